"""季度通报: the circular an org unit publishes on its subtree's self-checks of a quarter, as a page
and as a .docx (python-docx); 生成通报 makes it a draft notice whose text the unit edits before
sending it to the subtree with the .docx attached (decision 0032)."""
import io
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from govmedia.common import sqlport
from govmedia.common.prepared import DAY, QUARTER, YEAR, prepared, subtree_markers, subtree_values
from jobs.exports import start_workbook

from .check_overview import headline, unit_rows
from .models import CheckSheet, Notice, SpotCheckItem, pass_rate, problems_text
from .selectors import late_filings_listed, reported_items, reported_items_at
from .services import _sender_of

LISTED = 200      # failing rows, 未备案账号 and overdue units shown on the page and in the .docx
LATE_LISTED = 500  # 逾期备案 accounts listed on the page and in the .docx (the count covers all)

# Other apps add figures to the 通报 here: each is called as step(unit, year, quarter) and returns
# a dict merged into the data (monitoring adds "indicators", the failures per inspection indicator).
CIRCULAR_STEPS: list = []


def _overdue_at(year: int, quarter: int, today, unit_pk: int, path: str | None = None):
    """The sheets still 未报送 past their 截止日期 under `path` (None: the whole country), but for the
    unit's own (`unit_pk`): the one statement overdue_sheets and the 通报's prepared list share."""
    scope = {} if path is None else {"org_path__startswith": path}
    return (CheckSheet.objects.filter(year=year, quarter=quarter, due_date__lt=today, **scope,
                                      status__in=[CheckSheet.Status.DRAFT, CheckSheet.Status.RETURNED])
            .exclude(filer_unit__isnull=True, org_unit_id=unit_pk).order_by("due_date", "id"))


def overdue_sheets(unit, year: int, quarter: int, today):
    return _overdue_at(year, quarter, today, unit.pk, None if unit.is_root else unit.path).select_related("org_unit__parent")


def problem_counts(unit, year: int, quarter: int) -> list[tuple[str, int]]:
    """存在的突出问题 of the reported failing rows, counted in the database."""
    where, params = "", [year, quarter]
    if not unit.is_root:
        where, params = " AND s.org_path LIKE %s", params + [unit.path + "%"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT p.value, count(*) FROM reports_checksheet s JOIN reports_spotcheckitem i ON i.sheet_id = s.id, "
                       f"{sqlport.json_elements(connection, 'i.problems')} p WHERE s.year = %s AND s.quarter = %s "
                       "AND s.status IN ('submitted', 'accepted') AND NOT i.unregistered AND i.passed = false" + where +
                       " GROUP BY p.value ORDER BY count(*) DESC, p.value", params)
        return [(p, n) for p, n in cursor.fetchall()]


@dataclass
class Reported:
    """A reported row of the 通报's lists (不合格 / 未备案账号): what the page and the .docx show."""

    unit_name: str
    type_label: str
    name: str
    link: str
    problems: list
    problem_other: str
    rectification: str

    @property
    def problems_display(self) -> str:
        return problems_text(self.problems, self.problem_other)


@dataclass
class Overdue:
    """An overdue sheet of the 通报's list: its unit, 所属组织单位 and 截止日期."""

    unit_name: str
    supervisor_name: str
    due_date: date | None


# The 通报's statements are compiled once per shape (govmedia/common/prepared.py): the country, or a subtree.
def reported_by_type(unit, year: int, quarter: int) -> list[dict]:
    """按类型统计: the reported registered rows per type, checked and failed (one aggregate)."""
    by_type = prepared(("circular.by_type", unit.is_root), SpotCheckItem, lambda year, quarter, path=None: (
        reported_items_at(year, quarter, path).filter(unregistered=False).values("type_label")
        .annotate(checked=Count("id"), failed=Count("id", filter=Q(passed=False))).order_by("type_label")),
        year=YEAR, quarter=QUARTER, **subtree_markers(unit)).all(year=year, quarter=quarter, **subtree_values(unit))
    return [{**t, "rate": pass_rate(t["checked"], t["failed"])} for t in by_type]


def reported_rows(unit, year: int, quarter: int, unregistered: bool, limit: int = LISTED) -> list[Reported]:
    """The first `limit` reported rows failing (or, `unregistered`, the 未备案账号), by unit name: read as
    values (the page shows a few columns of them; no model instance per row)."""
    def build(year, quarter, path=None):
        rows = reported_items_at(year, quarter, path).filter(unregistered=unregistered)
        if not unregistered:
            rows = rows.filter(passed=False)
        return rows.order_by("sheet__unit_name", "sheet_id", "id").values_list(
            "sheet__unit_name", "type_label", "name", "link", "problems", "problem_other", "rectification")[:limit]

    found = prepared(("circular.rows", unit.is_root, unregistered, limit), SpotCheckItem, build,
                     year=YEAR, quarter=QUARTER, **subtree_markers(unit))
    return [Reported(*row) for row in found.all(year=year, quarter=quarter, **subtree_values(unit))]


def overdue_rows(unit, year: int, quarter: int, today, limit: int = LISTED) -> list[Overdue]:
    """overdue_sheets' first `limit` sheets (by 截止日期), with the name of the org unit each goes to."""
    def build(year, quarter, today, unit_pk, path=None):
        return _overdue_at(year, quarter, today, unit_pk, path).values_list(
            "unit_name", "filer_unit_id", "org_unit__name", "org_unit__parent__name", "due_date")[:limit]

    found = prepared(("circular.overdue", unit.is_root, limit), CheckSheet, build, year=YEAR, quarter=QUARTER,
                     today=DAY, unit_pk=2_000_000_011, **subtree_markers(unit))
    rows = found.all(year=year, quarter=quarter, today=today, unit_pk=unit.pk, **subtree_values(unit))
    return [Overdue(name, unit_name if filer_unit_id else parent_name or "", due)
            for name, filer_unit_id, unit_name, parent_name, due in rows]


def circular_data(unit, year: int, quarter: int) -> dict:
    """The 通报's figures, all from aggregates: the headline, per unit (rows that add up to it),
    by type, by problem; the long lists capped with their counts (the full lists as .xlsx)."""
    today = timezone.localdate()
    rows = unit_rows(unit, year, quarter, today)
    total = headline(rows)
    # The lists capped; their counts are the headline's (the same rows, counted by the aggregates).
    # (ordered by unit name: an ordered walk of an index (path, id) would read the whole country)
    failing = reported_rows(unit, year, quarter, unregistered=False)
    unregistered = reported_rows(unit, year, quarter, unregistered=True)
    overdue = overdue_rows(unit, year, quarter, today)
    own = next((r for r in rows if r.kind == "本单位"), None)
    failing_count, unregistered_count = total.failed, total.unregistered
    overdue_count = total.overdue - (own.overdue if own else 0)
    late, late_count = late_filings_listed(unit, year, quarter, LATE_LISTED)
    return {
        "unit": unit, "year": year, "quarter": quarter, "today": today, "rows": rows, "total": total,
        "checked": total.checked, "failed": total.failed, "rate": pass_rate(total.checked, total.failed),
        "unregistered_count": total.unregistered, "unregistered": unregistered, "unregistered_listed": unregistered_count,
        "types": reported_by_type(unit, year, quarter),
        "problems": problem_counts(unit, year, quarter), "failing": failing, "failing_count": failing_count,
        "overdue": overdue, "overdue_count": overdue_count, "late_accounts": late, "late_count": late_count,
        "listed": LISTED, "issued_on": today,
        "title": f"关于{year}年第{quarter}季度政府网站和政务新媒体检查情况的通报",
        "indicators": [],
    } | {key: value for step in CIRCULAR_STEPS for key, value in step(unit, year, quarter).items()}


def circular_tables(unit, year: int, quarter: int, today) -> list[dict]:
    """The full lists the page caps: every failing row, every 未备案账号, every overdue unit (rows
    streamed from the database)."""
    reported = reported_items(unit, year, quarter).order_by("sheet_id", "id")
    failing = reported.filter(unregistered=False, passed=False).values_list(
        "sheet__unit_name", "type_label", "name", "media_code", "problems", "problem_other", "rectification")
    unregistered = reported.filter(unregistered=True).values_list("sheet__unit_name", "type_label", "name", "link",
                                                                  "rectification")
    overdue = overdue_sheets(unit, year, quarter, today).values_list("unit_name", "due_date", "status")
    labels = dict(CheckSheet.Status.choices)
    return [
        {"title": "不合格的网站和新媒体", "headers": ["填报单位", "类型", "名称", "标识码", "存在的突出问题", "整改情况"],
         "rows": ([u, t, n, c, "；".join(p) + (f"（{o}）" if o else ""), r] for u, t, n, c, p, o, r in failing.iterator())},
        {"title": "未备案账号", "headers": ["填报单位", "类型", "名称", "链接", "处理情况"],
         "rows": (list(r) for r in unregistered.iterator())},
        {"title": "逾期未报送单位", "headers": ["单位名称", "截止日期", "状态", "逾期天数"],
         "rows": ([n, d, labels.get(s, s), (today - d).days] for n, d, s in overdue.iterator())},
    ]


def circular_workbook(job) -> list[dict]:
    """The export job of 完整名单（.xlsx）: the lists of the requester's own subtree, as of the day asked."""
    params = job.params
    return circular_tables(job.requested_by.org_unit, params["year"], params["quarter"], date.fromisoformat(params["today"]))


def start_circular_xlsx(request, year: int, quarter: int):
    """完整名单（.xlsx）: an export job (下载中心), never a workbook written inside the request."""
    title = f"{year}年第{quarter}季度检查情况通报（完整名单）"
    return start_workbook(request, "check_circular", title, f"{title}.xlsx",
                          {"year": year, "quarter": quarter, "today": timezone.localdate().isoformat()})


def circular_body(data: dict) -> str:
    """The circular's text, generated from the figures: the salutation, the summary, the request."""
    rate = data["rate"] if data["rate"] is not None else "—"
    return "\n".join([
        f"{data['unit'].name}管理范围内各单位：",
        f"{data['year']}年第{data['quarter']}季度，共检查政府网站和政务新媒体 {data['checked']} 个，"
        f"不合格 {data['failed']} 个，合格率 {rate}%；检查中发现未备案账号 {data['unregistered_count']} 个；"
        f"逾期未报送单位 {data['overdue_count']} 个；开设后超过3个工作日才提交备案的账号 {data['late_count']} 个。"
        "现将有关情况通报如下。",
        "请各单位对照检查指标，对存在的问题立即整改，未备案账号及时备案或关停。",
    ])


def _table(doc, headers, rows):
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = "" if value is None else str(value)
    return table


def circular_docx(data: dict, title: str | None = None, body: str | None = None) -> bytes:
    """The .docx: the title and text (generated, or as the unit edited them), then the tables."""
    from docx import Document  # start-up cost: python-docx and lxml load only for a .docx

    doc = Document()
    doc.add_heading(title or data["title"], level=1)
    for line in (circular_body(data) if body is None else body).splitlines():
        if line.strip():
            doc.add_paragraph(line.strip())
    doc.add_heading("一、总体情况（按类型）", level=2)
    _table(doc, ["类型", "检查数量", "不合格数量", "合格率(%)"],
           [[t["type_label"], t["checked"], t["failed"], t["rate"] if t["rate"] is not None else "—"] for t in data["types"]])
    doc.add_heading("二、各单位情况", level=2)
    rows = data["rows"] + [data["total"]]
    _table(doc, ["单位名称", "类别", "应报", "已报送", "已逾期", "检查数量", "不合格数量", "合格率(%)", "未备案账号"],
           [[r.name, r.kind, r.due, r.reported, r.overdue, r.checked, r.failed, r.rate if r.rate is not None else "—",
             r.unregistered] for r in rows])
    doc.add_heading("三、存在的突出问题", level=2)
    _table(doc, ["问题", "数量"], [[p, n] for p, n in data["problems"]])
    if data["indicators"]:  # the monitored inspection indicators (monitoring.indicators, issue 27)
        doc.add_paragraph("自动监测按检查指标判定的不合格数量：")
        _table(doc, ["对象", "检查指标", "指标类型", "不合格数量"],
               [[i["indicator"].get_subject_display(), i["indicator"].name, "单项否决" if i["indicator"].veto else "扣分项",
                 i["count"]] for i in data["indicators"]])
    doc.add_heading("四、不合格的网站和新媒体" + _more(data["failing"], data["failing_count"]), level=2)
    _table(doc, ["填报单位", "类型", "名称", "存在的突出问题", "整改情况"],
           [[r.unit_name, r.type_label, r.name, r.problems_display, r.rectification] for r in data["failing"]])
    doc.add_heading("五、未备案账号" + _more(data["unregistered"], data["unregistered_listed"]), level=2)
    _table(doc, ["填报单位", "类型", "名称", "链接", "处理情况"],
           [[r.unit_name, r.type_label, r.name, r.link, r.rectification] for r in data["unregistered"]])
    doc.add_heading("六、逾期未报送单位" + _more(data["overdue"], data["overdue_count"]), level=2)
    _table(doc, ["单位名称", "所属组织单位", "截止日期"],
           [[s.unit_name, s.supervisor_name, f"{s.due_date:%Y-%m-%d}"] for s in data["overdue"]])
    doc.add_heading("七、逾期备案账号（开设后超过3个工作日提交备案）" + _more(data["late_accounts"], data["late_count"]), level=2)
    _table(doc, ["填报单位", "类型", "名称", "开设时间", "提交日期"],
           [[a.filer_unit.name, a.type_display, a.name, f"{a.opened_on:%Y-%m-%d}", f"{a.submitted_on:%Y-%m-%d}"]
            for a in data["late_accounts"]])
    doc.add_paragraph(data["unit"].name).alignment = 2  # right: the issuing unit …
    doc.add_paragraph(f"{data['issued_on']:%Y年%-m月%-d日}").alignment = 2  # … and the issue date
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _more(listed: list, count: int) -> str:
    return f"（共 {count} 个，列出前 {len(listed)} 个，完整名单见附表）" if count > len(listed) else f"（{count} 个）"


def circular_for(user, year: int, quarter: int) -> dict:
    return circular_data(user.org_unit, year, quarter)


def notice_docx(user, notice: Notice) -> tuple[str, bytes]:
    """The .docx of a 通报 notice: today's figures of the quarter, the notice's (edited) title and text."""
    data = circular_for(user, notice.circular_year, notice.circular_quarter)
    return f"{notice.title}.docx", circular_docx(data, title=notice.title, body=notice.body)


@transaction.atomic
def start_circular_notice(user, year: int, quarter: int) -> Notice:
    """生成通报: the unit's draft notice for the quarter (the one already drafted, if any), its text
    generated from the figures, addressed to the unit's direct children (its towns and departments)."""
    sender = _sender_of(user)
    draft = Notice.objects.select_for_update().filter(sender=sender, circular_year=year, circular_quarter=quarter,
                                                      status=Notice.Status.DRAFT).first()
    if draft is not None:
        return draft
    data = circular_for(user, year, quarter)
    return Notice.objects.create(sender=sender, title=data["title"], body=circular_body(data), menu_label="检查通报",
                                 audience=Notice.Audience.CHILDREN, circular_year=year, circular_quarter=quarter)
