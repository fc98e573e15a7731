"""Public accountability figures: per org unit and quarter, from the journal (issue 29).

Method (docs/api.md, "Accountability figures"), for the last QUARTERS quarters (Beijing time):
- 新登记账号数 `registered`: final add approvals of accounts (journal `approve_add` → 正常), counted
  for the org unit the account's filer unit belongs to (the account's org path);
- 开设至备案天数 `median_filing_days`: of those accounts, the median of 提交日期 − 开设时间 in days
  (both recorded at 提交), and `late_filing_share` the share filed late (逾期备案, decision 0033);
- 审核次数 `reviews` and 审核等待天数 `median_review_wait_days`: every review decision (the
  transitions of kind "review" of the account and website tables) the unit made, and the median
  time from the subject's previous journal entry (when the request reached the unit) to it;
- 监测发现问题数 `findings_opened`, `findings_fixed`, 整改天数 `median_fix_days`: findings first
  seen in the quarter on the unit's accounts and websites, those closed since, and the median of
  closed − first seen in days.
A unit with nothing in a quarter has no row. Computed by `rebuild()` (run by the open-data job)
into AccountabilityFigure, written as accountability.csv in the day's open data.
"""
import statistics
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import DateTimeField, OuterRef, Subquery
from django.utils import timezone
from accounts_media.models import MediaAccount
from accounts_media.workflow import WORKFLOW as MEDIA
from datetime import datetime, time
from monitoring.models import Finding
from orgtree.models import OrgUnit
from reviews.models import JournalEntry
from websites.workflow import WORKFLOW as SITES
from .models import AccountabilityFigure

QUARTERS = 4
CHUNK = 2000
COLUMNS = [("quarter", "季度", "string"), ("org_code", "组织单位代码", "string"), ("org_name", "组织单位", "string"),
           ("level", "级别", "integer"), ("registered", "新登记账号数", "integer"),
           ("median_filing_days", "开设至备案天数中位数", "number"), ("late_filing_share", "逾期备案占比", "number"),
           ("reviews", "审核次数", "integer"), ("median_review_wait_days", "审核等待天数中位数", "number"),
           ("findings_opened", "监测发现问题数", "integer"), ("findings_fixed", "已整改问题数", "integer"),
           ("median_fix_days", "整改天数中位数", "number")]


def quarter_of(moment) -> str:
    day = timezone.localtime(moment).date() if hasattr(moment, "hour") else moment
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def window_start(today: date) -> date:
    """The first day of the quarter QUARTERS − 1 quarters before today's."""
    index = today.year * 4 + (today.month - 1) // 3 - (QUARTERS - 1)
    return date(index // 4, (index % 4) * 3 + 1, 1)


def _aware(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


def review_actions() -> list[str]:
    return sorted({t.name for wf in (MEDIA, SITES) for t in wf.transitions if t.kind == "review"})


def _median(values) -> float | None:
    return round(statistics.median(values), 1) if values else None


def compute(today: date | None = None) -> list[dict]:
    """The figures as rows (see the module's method), one per org unit and quarter with activity."""
    today = today or timezone.localdate()
    start = _aware(window_start(today))
    units = {path: (pk, code, name, level) for pk, code, name, level, path
             in OrgUnit.objects.values_list("id", "code", "name", "level", "path")}
    by_code = {u[1]: u for u in units.values()}
    # (quarter, org code) → the unit's raw figures of the quarter
    acc = defaultdict(lambda: {"registered": 0, "filing": [], "late": 0, "filed": 0, "reviews": 0, "waits": [],
                               "opened": 0, "fixed": 0, "fix": []})

    # accounts registered (final add approval), with their filing delay
    approvals = (JournalEntry.objects.filter(subject_type="media_account", action="approve_add", status_after="正常",
                                             at__gte=start).values_list("subject_id", "at", "scope_path"))
    batch = []
    for row in approvals.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            _registered(batch, units, acc, MediaAccount)
            batch = []
    _registered(batch, units, acc, MediaAccount)

    # review decisions and how long the request waited at the unit
    previous = (JournalEntry.objects.filter(subject_type=OuterRef("subject_type"), subject_id=OuterRef("subject_id"),
                                            at__lt=OuterRef("at")).order_by("-at").values("at")[:1])
    reviews = (JournalEntry.objects.filter(subject_type__in=("media_account", "website"), action__in=review_actions(),
                                           at__gte=start)
               .annotate(previous=Subquery(previous, output_field=DateTimeField()))
               .values_list("actor_unit_code", "at", "previous"))
    for code, at, before in reviews.iterator(chunk_size=CHUNK):
        if code not in by_code:
            continue
        figures = acc[(quarter_of(at), code)]
        if before is not None:
            figures["waits"].append((at - before).total_seconds() / 86400)
        figures["reviews"] += 1

    # monitoring findings on the unit's accounts and websites
    findings = (Finding.objects.filter(first_seen__gte=start)
                .values_list("first_seen", "closed_at", "account__org_path", "website__org_path"))
    for first_seen, closed_at, account_path, site_path in findings.iterator(chunk_size=CHUNK):
        unit = units.get(account_path or site_path or "")
        if unit is None:
            continue
        figures = acc[(quarter_of(first_seen), unit[1])]
        figures["opened"] += 1
        if closed_at is not None:
            figures["fixed"] += 1
            figures["fix"].append((closed_at - first_seen).total_seconds() / 86400)

    rows = []
    for (quarter, code), f in sorted(acc.items()):
        pk, code, name, level = by_code[code]
        rows.append({
            "quarter": quarter, "org_unit_id": pk, "org_code": code, "org_name": name, "level": level,
            "registered": f["registered"], "median_filing_days": _median(f["filing"]),
            "late_filing_share": round(f["late"] / f["filed"], 3) if f["filed"] else None,
            "reviews": f["reviews"], "median_review_wait_days": _median(f["waits"]),
            "findings_opened": f["opened"], "findings_fixed": f["fixed"], "median_fix_days": _median(f["fix"]),
        })
    return rows


def _registered(batch, units, acc, MediaAccount) -> None:
    if not batch:
        return
    info = {pk: (opened, submitted, late) for pk, opened, submitted, late in MediaAccount.objects.filter(
        pk__in=[row[0] for row in batch]).values_list("id", "opened_on", "submitted_on", "filed_late")}
    for subject_id, at, scope_path in batch:
        unit = units.get(scope_path)
        if unit is None:
            continue
        figures = acc[(quarter_of(at), unit[1])]
        figures["registered"] += 1
        opened, submitted, late = info.get(subject_id, (None, None, False))
        if opened and submitted:
            figures["filing"].append((submitted - opened).days)
            figures["filed"] += 1
            figures["late"] += 1 if late else 0


def rebuild(today: date | None = None) -> list[dict]:
    """Recompute the window's figures and replace their rows (one transaction)."""
    rows = compute(today)
    quarters = {quarter_of(_aware(window_start(today or timezone.localdate())))}
    quarters |= {r["quarter"] for r in rows}
    with transaction.atomic():
        AccountabilityFigure.objects.filter(quarter__gte=min(quarters)).delete()
        AccountabilityFigure.objects.bulk_create([AccountabilityFigure(**r) for r in rows], batch_size=CHUNK)
    return rows


def table_schema() -> dict:
    """The Table Schema (Frictionless) of accountability.csv."""
    fields = []
    for key, title, kind in COLUMNS:
        field = {"name": title, "title": key, "type": kind}
        if kind == "integer":
            field["constraints"] = {"required": True, "minimum": 0}
        elif key == "late_filing_share":
            field["constraints"] = {"minimum": 0, "maximum": 1}
        elif key == "quarter":
            field["constraints"] = {"required": True, "pattern": r"\d{4}Q[1-4]"}
        fields.append(field)
    return {"fields": fields, "missingValues": [""], "primaryKey": ["季度", "组织单位代码"]}
