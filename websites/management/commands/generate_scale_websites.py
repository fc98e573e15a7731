"""National-scale government websites for the benchmarks, beside generate_scale_data's accounts.

At --scale 1: about 15,000 websites (the country's government websites number about 14,000) on
the real org tree — each government's portal and its departments' sites — in every 申报状态 and
运行状态 the workflows leave them in: waiting at their own unit or further up the chain (审核定位
and the time they reached it), finally approved with a 网站标识码 and the website's login,
下线申请 waiting, offline, deleted. Each carries the journal of the steps that led there (申请,
提交, 审核通过 level by level, 生成网站标识码, 基本信息修改), with the scope path real steps set.
Deterministic (seeded); a second run with the same scale and seed does nothing.
"""
import random
import time
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from govmedia.common.bulk import copy_rows
from orgtree.models import CodeSequence, OrgUnit
from reviews.models import JournalEntry
from websites.models import Filing, Offline, RunStatus, Website
from websites.rules import normalise_homepage

FULL = 15_000
DEPARTMENTS = ["教育局", "公安局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局",
               "农业农村局", "卫生健康委员会", "市场监督管理局", "应急管理局", "统计局", "医疗保障局", "政务服务管理局"]
FILING_WEIGHTS = [(Filing.DONE, 820), (Filing.REVIEWING, 40), (Filing.REVIEWED, 30), (Filing.DRAFT, 30),
                  (Filing.REJECTED, 20), (Filing.MODIFYING, 40), (Filing.MODIFY_REJECTED, 20)]
RUN_WEIGHTS = [(RunStatus.NORMAL, 900), (RunStatus.TEMP_OFFLINE, 25), (RunStatus.PERMANENT_OFFLINE, 30),
               (RunStatus.EMERGENCY_OFFLINE, 5), (RunStatus.EXCEPTION, 10), (RunStatus.DELETED, 30)]
APPROVED = {Filing.DONE, Filing.MODIFYING, Filing.MODIFY_REJECTED}
LABEL = dict(Filing.choices)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Command(BaseCommand):
    help = "生成全国规模的政府网站测试数据（各申报状态、运行状态、下线申请及流水），可指定比例，结果可复现。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=20261207)

    def handle(self, *args, scale=1.0, seed=20261207, **options):
        marker = f"scale-websites:{scale}:{seed}"
        if CodeSequence.objects.filter(scope=marker).exists():
            self.stdout.write(f"已存在规模网站数据（{marker}），跳过生成。")
            return
        if not OrgUnit.objects.exists():
            call_command("load_orgtree", stdout=self.stdout)
        started = time.monotonic()
        with transaction.atomic():
            sites, journal = _generate(random.Random(seed), int(FULL * scale))
            # (No cached figure to end: make bench and prod-check generate the data before their
            # servers and their fresh Redis start; the 00:20 rollup reads the new journal.)
            CodeSequence.objects.create(scope=marker, last=sites)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in (Website._meta.db_table, User._meta.db_table, JournalEntry._meta.db_table):
                    cursor.execute(f"ANALYZE {table}")
        self.stdout.write(f"规模网站数据：网站 {sites}，流水 {journal}，用时 {time.monotonic() - started:.1f} 秒。")


def _chain(unit_id: int, parent: dict, level: dict) -> list[int]:
    """The reviewing units of a website of `unit_id`: its own unit, then up to level 1."""
    chain = [unit_id]
    while level[chain[-1]] > 1 and parent[chain[-1]] is not None:
        chain.append(parent[chain[-1]])
    return chain


def _generate(rng: random.Random, total: int) -> tuple[int, int]:
    units = list(OrgUnit.objects.exclude(level=0).values_list("id", "code", "name", "level", "path", "parent_id"))
    parent = {u[0]: u[5] for u in units}
    level = {u[0]: u[3] for u in units}
    info = {u[0]: u for u in units}
    org_user = dict(User.objects.filter(kind=User.Kind.ORG, org_unit__isnull=False).values_list("org_unit_id", "id"))
    weights = [{1: 6, 2: 5, 3: 3}.get(min(u[3], 3), 3) * rng.uniform(0.5, 1.5) for u in units]
    per_weight = total / sum(weights)
    filings, filing_w = zip(*FILING_WEIGHTS)
    runs, run_w = zip(*RUN_WEIGHTS)
    now = timezone.now()
    password = make_password("Demo@2026")  # the websites' logins: one shared hash, as the filer units'
    taken_codes = set(Website.objects.exclude(site_code=None).values_list("site_code", flat=True))
    taken_codes |= set(User.objects.filter(kind=User.Kind.SITE).values_list("username", flat=True))
    taken_names = set(Website.objects.exclude(filing=Filing.REJECTED).values_list("name", flat=True))
    sites, logins, steps_of = [], [], []  # logins: (site, its login), created before the sites
    serials: dict[str, int] = {}
    for unit, weight in zip(units, weights):
        unit_id, code, name, _level, path, parent_id = unit
        expected = weight * per_weight
        count = min(int(expected) + (rng.random() < expected - int(expected)), 60)
        for n in range(count):
            filing = rng.choices(filings, filing_w)[0]
            portal = n == 0 and filing != Filing.REJECTED  # one portal per org unit (website_portal_unique)
            government = name.endswith(("省", "市", "县", "区", "州", "旗", "盟"))  # else a ministry's or bureau's own portal
            site_name = (f"{name}{'人民政府' if government else ''}门户网站" if portal
                         else f"{name}{DEPARTMENTS[n % len(DEPARTMENTS)]}网站{n:02d}")
            if site_name in taken_names:  # two units of one name (朝阳区 of 北京市 and of 长春市): the parent's name first
                site_name = f"{info[parent_id][2] if parent_id in info else ''}{site_name}"
            while site_name in taken_names:
                site_name += "分站"
            if filing != Filing.REJECTED:
                taken_names.add(site_name)
            created = now - timedelta(days=rng.randrange(30, 2000), seconds=rng.randrange(86400))
            updated = min(created + timedelta(days=rng.randrange(0, 400), seconds=rng.randrange(86400)), now)
            if filing == Filing.DRAFT:  # applied for, not yet touched since
                updated = created
            chain = _chain(unit_id, parent, level)
            reviewer, climbed = None, len(chain)  # climbed: how many units of the chain approved it
            if filing in (Filing.DRAFT, Filing.REVIEWING):
                reviewer, climbed = unit_id, 0
            elif filing == Filing.REVIEWED:
                climbed = rng.randrange(1, len(chain)) if len(chain) > 1 else 0
                reviewer = chain[climbed] if climbed else unit_id
            elif filing == Filing.MODIFYING:
                reviewer = parent[unit_id] if portal and level.get(parent[unit_id], 0) >= 1 else unit_id
            elif filing == Filing.REJECTED:
                climbed = rng.randrange(0, len(chain))
            run = rng.choices(runs, run_w)[0] if filing == Filing.DONE else RunStatus.NORMAL  # a change asks a running site
            site = Website(
                name=site_name, homepage=f"https://www.s{code.lower()}{n:02d}.gov.cn/", org_unit_id=unit_id, org_path=path,
                sponsor=site_name.removesuffix("门户网站").removesuffix("网站"), operator_unit=f"{name}大数据中心",
                icp_number=f"京ICP备{rng.randrange(10**7, 10**8)}号", police_record=f"京公网安备{rng.randrange(10**13, 10**14)}号",
                party_gov_mark=f"bm{rng.randrange(10**9, 10**10)}", is_portal=portal,
                is_service_platform=rng.random() < 0.05, head_name="王强", head_title="主任",
                head_mobile=f"136{rng.randrange(10**8):08d}", contact_name="刘洋", contact_title="科员",
                contact_mobile=f"135{rng.randrange(10**8):08d}", contact_email=f"web{unit_id}x{n}@example.gov.cn",
                filing=filing, run_status=run, reviewer_id=reviewer,
                reviewer_since=updated if reviewer else None,
                tracking_code="".join(rng.choice(ALPHABET) for _ in range(12)),
                final_approved_at=updated if filing in APPROVED else None,
                version=1 + climbed, created_at=created, updated_at=updated,
                **_offline_of(rng, run, filing, updated, chain),
            )
            site.homepage_key = normalise_homepage(site.homepage)
            if filing in APPROVED:
                serial = serials.get(code, 0) + 1
                while f"{code}{serial:04d}" in taken_codes:
                    serial += 1
                serials[code] = serial
                site.site_code = f"{code}{serial:04d}"
                site.verification_shown_at = updated
                logins.append((site, User(username=site.site_code, kind=User.Kind.SITE, password=password,
                                          date_joined=updated)))
            sites.append(site)
            steps_of.append((chain, climbed))
    User.objects.bulk_create([login for _, login in logins], batch_size=2000)  # (the ids come back: PostgreSQL, SQLite)
    for site, login in logins:
        site.operator_user_id = login.pk
    with _stamped_as_given(Website):
        Website.objects.bulk_create(sites, batch_size=2000)
    CodeSequence.objects.bulk_create([CodeSequence(scope=f"site:{code}", last=last) for code, last in serials.items()],
                                     batch_size=5000, update_conflicts=True, unique_fields=["scope"], update_fields=["last"])
    journal = []
    for site, (chain, climbed) in zip(sites, steps_of):
        journal += _journal_of(site, chain, climbed, info, org_user)
    columns = ["subject_type", "subject_id", "at", "actor_id", "actor_unit_code", "actor_unit_name", "person_name",
               "person_phone", "action", "action_label", "status_before", "status_after", "result", "reason", "changes",
               "data", "position", "subject_label", "scope_path"]
    for start in range(0, len(journal), 50_000):
        copy_rows(JournalEntry, columns, journal[start:start + 50_000])
    return len(sites), len(journal)


def _offline_of(rng: random.Random, run: str, filing: str, updated, chain: list[int]) -> dict:
    """The 下线 fields as the offline workflow and its daily job leave them (websites/offline.py,
    websites.services.apply_due_offline_dates), around today: a 临时下线 under way (started, its
    恢复开通时间 ahead), a temporary offline approved and not started or a 下线申请 still waiting at a
    unit of the chain (both with dates ahead), a 紧急下线 with the reopening date it asks for (some
    past it: 超期, shown to the chain)."""
    today = timezone.localdate()
    if run == RunStatus.TEMP_OFFLINE:
        start = today - timedelta(days=rng.randrange(0, 30))
        return {"offline_kind": "temporary", "offline_reason": "网站改版升级", "offline_from": start,
                "offline_until": today + timedelta(days=rng.randrange(1, 60)), "temp_offline_year": start.year}
    if run == RunStatus.EMERGENCY_OFFLINE:
        return {"offline_until": today + timedelta(days=rng.randrange(-20, 30) or 1), "offline_reason": "网站遭受攻击，紧急下线处置"}
    if run == RunStatus.NORMAL and filing == Filing.DONE and rng.random() < 0.04:
        start = today + timedelta(days=rng.randrange(1, 20))
        fields = {"offline_kind": "temporary", "offline_reason": "网站改版升级", "offline_from": start,
                  "offline_until": start + timedelta(days=rng.randrange(7, 60))}
        if rng.random() < 0.75:
            return {**fields, "offline_state": Offline.PENDING, "offline_reviewer_id": chain[rng.randrange(len(chain))],
                    "offline_reviewer_since": updated}
        return {**fields, "offline_state": Offline.APPROVED}
    return {}


@contextmanager
def _stamped_as_given(model):
    """Insert with the created/changed times given (a history of years), not now: auto_now and
    auto_now_add off for the block (this one-shot command's process only)."""
    stamped = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]
    for f in stamped:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _journal_of(site: Website, chain: list[int], climbed: int, info: dict, org_user: dict) -> list[tuple]:
    """The journal rows of the steps that led `site` where it is (oldest first, spread from its
    creation to its last change)."""
    def unit(pk):
        return info[pk][1], info[pk][2]

    def at(pk):
        return f"{info[pk][2]}（{info[pk][1]}）"

    own = site.org_unit_id
    steps = [(None, ("public", "公众申请"), "apply", "新增网站申请", "", Filing.DRAFT, "", at(own))]
    if site.filing != Filing.DRAFT:
        steps.append((org_user.get(own), unit(own), "submit", "提交", Filing.DRAFT, Filing.REVIEWING, "", at(own)))
    state = Filing.REVIEWING
    for i in range(min(climbed, len(chain))):
        last = i == len(chain) - 1
        after = Filing.DONE if last else Filing.REVIEWED
        steps.append((org_user.get(chain[i]), unit(chain[i]), "approve", "审核通过", state, after, "审核通过",
                      "" if last else at(chain[i + 1])))
        state = after
    if site.filing == Filing.REJECTED:
        who = chain[min(climbed, len(chain) - 1)]
        steps.append((org_user.get(who), unit(who), "reject", "审核退回", state, Filing.REJECTED, "审核未通过", ""))
    if site.site_code:
        steps.append((None, ("system", "系统"), "site_code_issue", "生成网站标识码", Filing.DONE, Filing.DONE,
                      "已生成网站标识码", ""))
    if site.filing in (Filing.MODIFYING, Filing.MODIFY_REJECTED):
        steps.append((site.operator_user_id, (site.site_code, "网站"), "request_change", "基本信息修改", Filing.DONE,
                      Filing.MODIFYING, "", at(site.reviewer_id or own)))
    if site.filing == Filing.MODIFY_REJECTED:
        steps.append((org_user.get(own), unit(own), "reject_change", "办结修改审核退回", Filing.MODIFYING,
                      Filing.MODIFY_REJECTED, "修改后审核未通过", ""))
    span = (site.updated_at - site.created_at) / max(len(steps) - 1, 1)
    label = f"{site.name}（{site.site_code or LABEL[site.filing]}）"[:200]
    return [("website", site.pk, site.updated_at if i == len(steps) - 1 else site.created_at + span * i, actor,
             unit_code, unit_name, "", "", action, action_label, LABEL.get(before, ""), LABEL[after], result, "",
             "[]", "{}", position, label, site.org_path)
            for i, (actor, (unit_code, unit_name), action, action_label, before, after, result, position)
            in enumerate(steps)]
