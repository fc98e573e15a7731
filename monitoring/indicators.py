"""The national inspection indicators as data (issue 27, decision 0045): their defaults (the 2019
indicators, 国办秘函〔2019〕19号), the thresholds a run reads, the 严重表述错误 dictionary, and the
verdicts — an object failing an indicator in a quarter, with evidence — written after each chunk.

Verdicts feed the inspection: `prefill_from_verdicts` marks the 检查结果信息表 rows of failing
objects (the unit confirms or corrects), `failures_by_indicator` counts them for the 通报 and
数据看板."""
from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from govmedia.common.prepared import prepared, subtree_markers, subtree_values
from reviews import journal

from .changes import bump_generation
from .models import ExpressionRule, Indicator, Kind, Subject, Verdict
from django.db.models.functions import TruncDate
from orgtree.models import OrgUnit
from reports.models import CheckSheet, PROBLEMS, SpotCheckItem, WEBSITE_PROBLEMS
from .models import CheckResult

AVAILABILITY, MANUAL = "availability", "manual"

# The 2019 indicators (《政府网站与政务新媒体检查指标》, 国办秘函〔2019〕19号): the single-veto items of the
# notice and the scored ones the commercial platforms also check. `rule`: the check kind whose
# confirmed failure is this indicator's failure, or AVAILABILITY; MANUAL: listed for completeness,
# not measurable from outside (the unit checks it on its 检查结果信息表; never a verdict).
DEFAULTS = [
    dict(code="W_SECURITY", subject=Subject.WEBSITE, name="安全、泄密事故等严重问题", veto=True, rule=MANUAL,
         problem="发生安全泄密事故等严重问题", thresholds={}, description="发生安全、泄密事故等严重问题。自动监测不判定，由检查单位人工检查。"),
    dict(code="M_SECURITY", subject=Subject.ACCOUNT, name="安全、泄密事故等严重问题", veto=True, rule=MANUAL,
         problem="发生安全泄密事故的严重问题", thresholds={}, description="发生安全、泄密事故等严重问题。自动监测不判定，由检查单位人工检查。"),
    dict(code="W_ACCESS", subject=Subject.WEBSITE, name="站点无法访问", veto=True, rule=AVAILABILITY, problem="站点无法访问",
         thresholds={"timeout_s": 15, "fail_percent": 5, "days": 7, "visits_per_day": 20},
         description="监测1周，每天间隔一定时间访问不少于20次，首页超过15秒打不开的次数累计超过总监测次数的5%。"),
    dict(code="W_HOME_STALE", subject=Subject.WEBSITE, name="首页栏目不更新", veto=True, rule=Kind.HOME_UPDATE,
         problem="首页信息超过2周未更新", thresholds={"days": 14},
         description="首页栏目信息超过2周未更新（无发布日期的信息视为未更新）。"),
    dict(code="W_KEY_COLUMNS", subject=Subject.WEBSITE, name="动态要闻、通知公告类栏目不更新", veto=True,
         rule=Kind.KEY_COLUMNS, problem="栏目不更新",
         thresholds={"count": 5, "dynamic_days": 14, "notice_days": 183, "dynamic_names": ["动态", "要闻", "新闻"],
                     "notice_names": ["通知", "公告", "政策文件"], "notice_categories": ["政策文件"]},
         description="动态、要闻类栏目超过2周未更新，或通知公告、政策文件类栏目超过6个月未更新的栏目数量累计超过5个（含5个）。"),
    dict(code="W_COLUMNS_STALE", subject=Subject.WEBSITE, name="应更新栏目长期未更新", veto=True, rule=Kind.COLUMN_UPDATE,
         problem="栏目不更新",
         thresholds={"count": 10, "days": 365, "categories": ["政策文件", "政策解读", "回应关切", "互动交流", "政府信息公开"]},
         description="应更新但长期未更新的栏目数量超过10个（含10个）；长期按365天计，运维可调整。"),
    dict(code="W_BLANK", subject=Subject.WEBSITE, name="空白栏目", veto=True, rule=Kind.BLANK_COLUMNS, problem="空白栏目",
         thresholds={"count": 5, "min_chars": 20, "markers": ["暂无信息", "暂无数据", "暂无内容", "暂无记录", "没有相关信息"]},
         description="空白栏目（有栏目无内容）数量超过5个（含5个）。"),
    dict(code="W_INTERACTION", subject=Subject.WEBSITE, name="互动回应差", veto=True, rule=Kind.INTERACTION,
         problem="互动回复不及时",
         thresholds={"days": 90, "within_days": 365, "names": ["留言", "咨询", "信箱", "互动"], "categories": ["互动交流"]},
         description="政务咨询类栏目在1年内对网民留言超过3个月未回复。"),
    dict(code="W_EXPRESSION", subject=Subject.WEBSITE, name="严重表述错误", veto=True, rule=Kind.EXPRESSION, problem="其他",
         thresholds={"count": 1}, description="首页和栏目页存在严重错别字、虚假或伪造内容等严重表述错误（按词库检查）。"),
    dict(code="W_OUTLINKS", subject=Subject.WEBSITE, name="非法外链", veto=False, rule=Kind.OUTLINKS, problem="其他",
         thresholds={"count": 1, "allowed_domains": ["gov.cn", "conac.cn", "12377.cn", "xinhuanet.com", "news.cn",
                                                     "people.com.cn", "cyberpolice.cn"]},
         description="首页和栏目页链接到允许清单以外的域名（扣分项；允许清单由运维维护）。"),
    dict(code="M_STALE", subject=Subject.ACCOUNT, name="内容不更新", veto=True, rule=Kind.ACCOUNT_UPDATE,
         problem="监测时间点前2周无更新", thresholds={"days": 14}, description="监测时间点前2周内无更新。"),
    dict(code="M_INTERACTION", subject=Subject.ACCOUNT, name="未提供有效互动功能", veto=True, rule=MANUAL,
         problem="未提供有效互动功能", thresholds={},
         description="留言、评论等互动功能无法使用。平台页面不公开这一点，自动监测不判定，由检查单位人工检查。"),
    dict(code="M_APP", subject=Subject.ACCOUNT, name="移动客户端无法下载或使用", veto=True, rule=Kind.APP_DOWNLOAD,
         problem="移动客户端（APP）无法下载或使用", thresholds={}, description="移动客户端（APP）下载链接无法访问。"),
    dict(code="M_EXPRESSION", subject=Subject.ACCOUNT, name="严重表述错误", veto=True, rule=Kind.EXPRESSION, problem="其他",
         thresholds={"count": 1}, description="账号页面存在严重表述错误（按词库检查）。"),
]

# A starter list of common serious errors: names of bodies renamed in the 2018 reform, wrong
# forms of political terms (wrong, right, exceptions separated by ；).
STARTER = [
    ("国土资源部", "自然资源部", ""), ("环境保护部", "生态环境部", ""), ("国家卫生和计划生育委员会", "国家卫生健康委员会", ""),
    ("国家卫生计生委", "国家卫生健康委员会", ""), ("国家工商行政管理总局", "国家市场监督管理总局", ""),
    ("国家质量监督检验检疫总局", "国家市场监督管理总局", ""), ("国家食品药品监督管理总局", "国家市场监督管理总局", ""),
    ("国家安全生产监督管理总局", "应急管理部", ""), ("国家新闻出版广电总局", "国家广播电视总局", ""),
    ("国家旅游局", "文化和旅游部", ""), ("农业部", "农业农村部", "农业部门；农业部署"), ("监察部", "国家监察委员会", "监察部门"),
    ("台湾总统", "台湾地区领导人", ""), ("台湾政府", "台湾当局", ""), ("中国特色社会主意", "中国特色社会主义", ""),
    ("一带一路战略", "“一带一路”倡议", ""),
]
PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")
ETHNIC = ("壮族", "回族", "维吾尔")


def period_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_period(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def seed(apps=None) -> None:
    """The defaults and the starter dictionary, where missing (the data migration; idempotent)."""
    indicator = apps.get_model("monitoring", "Indicator") if apps else Indicator
    rule = apps.get_model("monitoring", "ExpressionRule") if apps else ExpressionRule
    for order, values in enumerate(DEFAULTS):
        values = {**values, "subject": str(values["subject"]), "rule": str(values["rule"])}
        indicator.objects.get_or_create(code=values["code"], defaults={**values, "order": order})
    for wrong, right, exceptions in STARTER:
        rule.objects.get_or_create(wrong=wrong, defaults={"right": right, "exceptions": exceptions, "source": "starter",
                                                          "note": "常见错误（起始词库）"})


def official_name_rules() -> int:
    """Rules from the official names of the provincial units in the org tree: an autonomous region
    called a 省 (广西省 → 广西壮族自治区) or without its people (新疆自治区 → 新疆维吾尔自治区), a
    municipality called a 省. Added where missing (source 组织机构名称); returns how many."""
    added = 0
    names = OrgUnit.objects.filter(level=1, is_active=True).values_list("name", flat=True)
    for name in names:
        suffix = next((s for s in PROVINCE_SUFFIXES if name.endswith(s)), "")
        if suffix in ("", "省") or len(name) > 12:
            continue
        short = name[: -len(suffix)]
        wrongs = [short + "省"]
        if suffix == "自治区":
            bare = short
            for people in ETHNIC:
                bare = bare.replace(people, "")
            wrongs = [bare + "省"] + ([bare + "自治区"] if bare != short else [])
        for wrong in wrongs:
            rule, made = ExpressionRule.objects.get_or_create(
                wrong=wrong, defaults={"right": name, "source": ExpressionRule.Source.ORGTREE, "note": "组织机构名称"})
            if made:
                added += 1
                journal.record(rule, "monitoring_dictionary_sync", None, after={"wrong": wrong, "right": name})
    return added


def load_config() -> dict:
    """What a chunk's checks read (once per chunk, before the worker threads): per subject, rule →
    thresholds of the enabled indicators; the dictionary."""
    config = {Subject.WEBSITE: {}, Subject.ACCOUNT: {}}
    for ind in Indicator.objects.filter(enabled=True).order_by("order"):
        config[ind.subject].setdefault(ind.rule, dict(ind.thresholds or {}))
    config["dictionary"] = [(r.wrong, r.right, [e for e in r.exceptions.replace(";", "；").split("；") if e.strip()])
                            for r in ExpressionRule.objects.filter(enabled=True).order_by("-wrong")]
    return config


# --- verdicts ------------------------------------------------------------------------------------

def _availability(website_ids: list[int], thresholds: dict, now) -> dict[int, dict]:
    """Failing websites under W_ACCESS: over the last `days` days, every day at least
    `visits_per_day` homepage checks, of which more than `fail_percent` % failed or took longer
    than `timeout_s`. One aggregate query; websites with too few visits are not judged."""
    days = int(thresholds.get("days", 7))
    slow = int(float(thresholds.get("timeout_s", 15)) * 1000)
    rows = (CheckResult.objects.filter(website_id__in=website_ids, kind=Kind.HOMEPAGE, ok__isnull=False,
                                       checked_at__gte=now - timedelta(days=days))
            .annotate(day=TruncDate("checked_at")).values("website_id", "day")
            .annotate(visits=Count("id"), failed=Count("id", filter=Q(ok=False) | Q(elapsed_ms__gt=slow))))
    per_site: dict[int, list] = {}
    for r in rows:
        per_site.setdefault(r["website_id"], []).append(r)
    failing = {}
    for pk, items in per_site.items():
        if len(items) < days or any(i["visits"] < int(thresholds.get("visits_per_day", 20)) for i in items):
            continue
        visits, failed = sum(i["visits"] for i in items), sum(i["failed"] for i in items)
        if failed * 100 > float(thresholds.get("fail_percent", 5)) * visits:
            failing[pk] = {"visits": visits, "failed": failed, "days": days,
                           "detail": f"近{days}天访问首页 {visits} 次，{failed} 次超过{slow // 1000}秒未打开"}
    return failing


def record_verdicts(kind: str, objects: list[dict], outcomes: list, now=None) -> int:
    """Upsert the chunk's failing verdicts of this quarter: an indicator fails for an object when
    the check it reads failed and the failure is confirmed (never cry wolf, 0044); a week of homepage
    visits (W_ACCESS). Returns rows written."""
    now = now or timezone.now()
    subject = Subject.WEBSITE if kind == "website" else Subject.ACCOUNT
    indicators = list(Indicator.objects.filter(enabled=True, subject=subject))
    if not indicators or not objects:
        return 0
    field = "website" if subject == Subject.WEBSITE else "account"
    period = period_of(timezone.localdate(now))
    failing: list[tuple[Indicator, dict, str, dict]] = []
    by_rule = {}
    for ind in indicators:
        by_rule.setdefault(ind.rule, []).append(ind)
    access = by_rule.get(AVAILABILITY)
    available = _availability([o["id"] for o in objects], access[0].thresholds, now) if access else {}
    for obj, found in zip(objects, outcomes):
        for o in found:
            if o.ok is False and getattr(o, "confirmed", False):
                for ind in by_rule.get(o.kind, ()):
                    failing.append((ind, obj, o.detail, o.data))
        if obj["id"] in available:
            evidence = available[obj["id"]]
            failing.append((access[0], obj, evidence.pop("detail"), evidence))
    if not failing:
        return 0
    with transaction.atomic():
        current = {(v.indicator_id, getattr(v, f"{field}_id")): v for v in Verdict.objects.select_for_update().filter(
            period=period, indicator__in=indicators, **{f"{field}_id__in": {obj["id"] for _, obj, _, _ in failing}})}
        new, changed = [], []
        for ind, obj, detail, data in failing:
            verdict = current.get((ind.pk, obj["id"]))
            if verdict is None:
                verdict = Verdict(indicator=ind, period=period, org_path=obj.get("org_path", ""), detail=detail[:500],
                                  evidence=data, first_seen=now, last_seen=now, **{f"{field}_id": obj["id"]})
                current[(ind.pk, obj["id"])] = verdict
                new.append(verdict)
            else:
                verdict.detail, verdict.evidence, verdict.last_seen = detail[:500], data, now
                changed.append(verdict)
        Verdict.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        Verdict.objects.bulk_update([v for v in changed if v.pk], ["detail", "evidence", "last_seen"], batch_size=2000)
        if new or changed:
            bump_generation()
    return len(new) + len(changed)


def verdicts_of(subject_field: str, pk: int, period: str):
    return Verdict.objects.filter(period=period, **{subject_field: pk}).select_related("indicator").order_by("indicator__order")


def prefill_from_verdicts(sheet) -> int:
    """The rows of a freshly prefilled 检查结果信息表 whose object failed indicators in the sheet's
    quarter: 不合格, with the indicators' problems preselected and, for 其他, the indicators and
    their evidence as 问题说明. The unit confirms or corrects them before saving. Returns rows
    marked."""
    return mark_sheets([sheet.pk])


def prefill_step(cursor, sheet_ids: list[int]) -> None:
    """reports.check_prefill's step: after the registry's rows are in, mark those of objects with
    verdicts in the sheet's quarter."""
    mark_sheets(sheet_ids)


def mark_sheets(sheet_ids: list[int]) -> int:
    """Mark the rows of these sheets whose object has verdicts in the sheet's quarter; one journal
    entry per sheet changed. Returns the rows marked.

    A round's job calls this right after inserting thousands of sheets and rows in the same
    transaction, when the planner's statistics do not know them yet: a join of the new rows with
    the verdicts could be planned as a nested loop over rows it believes absent (a round that
    never ends). So nothing here joins them: the quarter's verdicts are read first (none, the
    usual case: done), the sheets' rows by their sheet index, matched in memory; the queries are a
    fixed few whatever the number of sheets, plus one journal entry per sheet marked."""
    marked = 0
    if not sheet_ids:
        return 0
    for year, quarter in CheckSheet.objects.filter(pk__in=sheet_ids).values_list("year", "quarter").distinct().order_by():
        period = quarter_period(year, quarter)
        failing = Verdict.objects.filter(period=period)
        accounts = set(failing.filter(account_id__isnull=False).values_list("account_id", flat=True).order_by())
        sites = set(failing.filter(website_id__isnull=False).values_list("website_id", flat=True).order_by())
        if not accounts and not sites:
            continue
        of_quarter = CheckSheet.objects.filter(pk__in=sheet_ids, year=year, quarter=quarter).values_list("pk", flat=True)
        hit = [pk for pk, account, site in SpotCheckItem.objects.filter(sheet_id__in=list(of_quarter), unregistered=False)
               .values_list("pk", "account_id", "website_id").order_by()
               if (account and account in accounts) or (site and site in sites)]
        if not hit:
            continue
        items = list(SpotCheckItem.objects.filter(pk__in=hit).order_by("sheet_id", "pk"))
        found = failing.filter(Q(account_id__in={i.account_id for i in items if i.account_id})
                               | Q(website_id__in={i.website_id for i in items if i.website_id}))
        changed = _mark(items, found.select_related("indicator").order_by("indicator__order", "pk"))
        if not changed:
            continue
        type(changed[0]).objects.bulk_update(changed, ["passed", "problems", "problem_other"], batch_size=2000)
        by_sheet: dict[int, list] = {}
        for item in changed:
            by_sheet.setdefault(item.sheet_id, []).append(item)
        for sheet in CheckSheet.objects.filter(pk__in=list(by_sheet)).order_by("pk"):
            rows = by_sheet[sheet.pk]
            journal.record(sheet, "monitoring_prefill", None, scope_path=sheet.org_path,
                           data={"rows": [{"object": i.name, "problems": i.problems} for i in rows[:200]],
                                 "period": period})
        marked += len(changed)
    return marked


def _mark(items: list, verdicts) -> list:
    """Set 不合格 and the indicators' problems on the items their verdicts name; returns them."""
    of_subject: dict[tuple, list[Verdict]] = {}
    for v in verdicts:
        of_subject.setdefault(("account", v.account_id) if v.account_id else ("website", v.website_id), []).append(v)
    changed = []
    for item in items:
        found = of_subject.get(("account", item.account_id) if item.account_id else ("website", item.website_id))
        if not found:
            continue
        allowed = WEBSITE_PROBLEMS if item.website_id else PROBLEMS
        chosen = {v.indicator.problem for v in found} | set(item.problems or [])
        item.problems = [p for p in allowed if p in chosen]
        others = [f"{v.indicator.name}：{v.detail}" for v in found if v.indicator.problem == "其他"]
        if others:
            item.problem_other = "；".join(others)[:200]
        item.passed = False
        changed.append(item)
    return changed


def circular_step(unit, year: int, quarter: int) -> dict:
    """reports.circular's step: the 通报 counts the failures per indicator."""
    return {"indicators": failures_by_indicator(unit, quarter_period(year, quarter))}


def failures_by_indicator(unit, period: str) -> list[dict]:
    """Per enabled indicator: the objects of `unit`'s subtree failing it in `period` (one GROUP BY).
    Both statements compiled once per shape (govmedia/common/prepared.py): the country, or a subtree."""
    def failing(period, path=None):
        scope = {} if path is None else {"org_path__startswith": path}
        return (Verdict.objects.filter(period=period, **scope).values("indicator_id")
                .annotate(n=Count("id")).values_list("indicator_id", "n").order_by())

    counts = dict(prepared(("monitoring.failing", unit.is_root), Verdict, failing, period="\x00prepared-period",
                           **subtree_markers(unit)).all(period=period, **subtree_values(unit)))
    enabled = prepared(("monitoring.enabled",), Indicator,
                       lambda: Indicator.objects.filter(enabled=True).order_by("subject", "order")).all()
    return [{"indicator": ind, "count": counts.get(ind.pk, 0)} for ind in enabled]
