"""发起检查 as a job (decision 0038): the request records the round and starts a job; the job makes
the sheets set-wise, one transaction per direct child of the opener (a province of GB, a city of a
province …), with INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING id, and their rows in bulk in
the same transaction.

Idempotent and resumable: a sheet is unique per unit and quarter, so a chunk run twice (the job
started twice, or retried after its worker died) inserts nothing new; prefill skips sheets already
prefilled; progress is the count of the quarter's sheets in the scope (已生成 N / M 份).
"""
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User
from govmedia.roles import Role
from govmedia.common import sqlport
from orgtree.models import FilerUnit, OrgUnit
from orgtree.selectors import scope_q, units_under
from reviews import journal

from .check_prefill import fill_rows, prefill_sheets
from .check_reminders import send_reminders
from .models import CheckRound, CheckSheet
from .services import ReportError
import json
from jobs.models import Job
from jobs.services import start_job

FILER_TIER = "filer"
PREFILL_BATCH = 2000


def deadline_tiers(opener: OrgUnit) -> list[tuple[str, str]]:
    """The 截止日期 a round asks for: the opener's own sheet (unless GB), each org level below it
    that exists in the subtree, and the filer units."""
    levels = sorted(set(units_under(opener, include_self=False).filter(is_active=True).values_list("level", flat=True)))
    tiers = [] if opener.is_root else [(str(opener.level), f"本单位（{opener.name}）报送上级")]
    tiers += [(str(level), f"第{level}级组织单位") for level in levels]
    return tiers + [(FILER_TIER, "填报单位")]


def expected_sheets(opener: OrgUnit) -> int:
    """One sheet per active org unit of the subtree (the opener's own unless GB) and per active filer unit."""
    orgs = units_under(opener, include_self=not opener.is_root).filter(is_active=True).count()
    filers = FilerUnit.objects.filter(status=FilerUnit.Status.ACTIVE).filter(scope_q(opener, "org_unit__path")).count()
    return orgs + filers


def open_round(user: User, year: int, quarter: int, deadlines: dict[str, date], title: str = "") -> CheckRound:
    """发起检查: the round (正在生成检查表) and its job, at once; the sheets come from the job."""
    if user.role not in (Role.GB, Role.L1, Role.ORG):
        raise ReportError("只有组织单位可以发起检查。")
    this_year = timezone.localdate().year
    if not (2019 <= year <= this_year + 1) or quarter not in (1, 2, 3, 4):
        raise ReportError(f"年份应在 2019—{this_year + 1} 之间，季度为 1—4。")
    opener = user.org_unit
    keys = {key for key, _ in deadline_tiers(opener)}
    if keys - {k for k, v in deadlines.items() if v}:
        raise ReportError("请填写每一级的截止日期。")
    try:
        with transaction.atomic():
            round_ = CheckRound.objects.create(
                opened_by=opener, year=year, quarter=quarter, status=CheckRound.Status.GENERATING,
                title=title.strip()[:200] or f"{opener.name}{year}年第{quarter}季度政府网站和政务新媒体检查",
                deadlines={k: deadlines[k].isoformat() for k in keys}, sheets_total=expected_sheets(opener))
            job = start_job(user, Job.Kind.CHECK_ROUND, f"生成检查表：{round_.title}", {"round": round_.pk},
                            rows_total=round_.sheets_total)
            CheckRound.objects.filter(pk=round_.pk).update(job=job)
            round_.job = job
            journal.record(round_, "check_open", user, after={"deadlines": round_.deadlines, "sheets_total": round_.sheets_total},
                           scope_path=opener.path)
    except IntegrityError:
        raise ReportError(f"本单位已发起{year}年第{quarter}季度检查。") from None
    return round_


# --- the job -----------------------------------------------------------------------------------------

SHEET_INSERT = """
    INSERT INTO reports_checksheet (round_id, year, quarter, filer_unit_id, org_unit_id, org_path, unit_name, due_date,
        status, filler_name, filler_phone, return_reason, checked_count, failed_count, unregistered_count, prefilled,
        own_checked_count, own_failed_count, own_unregistered_count, version)
    {select}
    ON CONFLICT DO NOTHING
    RETURNING id"""
ORG_SELECT = """
    SELECT %(round)s, %(year)s, %(quarter)s, NULL, o.id, o.path, o.name, COALESCE(d.due, %(filer_due)s), 'draft', '', '',
           '', 0, 0, 0, true, 0, 0, 0, 0
    FROM orgtree_orgunit o LEFT JOIN (SELECT CAST(key AS INTEGER) AS level, {due} AS due FROM {tiers}
                                      WHERE key <> '{filer}') d ON d.level = o.level
    WHERE o.is_active AND {where} ORDER BY o.path"""
FILER_SELECT = """
    SELECT %(round)s, %(year)s, %(quarter)s, f.id, f.org_unit_id, o.path, f.name, %(filer_due)s, 'draft', '', '', '',
           0, 0, 0, true, 0, 0, 0, 0
    FROM orgtree_filerunit f JOIN orgtree_orgunit o ON o.id = f.org_unit_id
    WHERE f.status = 'active' AND {where} ORDER BY o.path, f.id"""
# A sheet a wider or narrower round made first keeps its place and takes the earlier 截止日期.
EARLIER_DUE = """
    UPDATE reports_checksheet AS s SET due_date = CASE WHEN s.filer_unit_id IS NOT NULL THEN %(filer_due)s
        ELSE COALESCE((SELECT {due} FROM {tiers} t, orgtree_orgunit o
                       WHERE o.id = s.org_unit_id AND t.key = CAST(o.level AS TEXT)), s.due_date) END
    WHERE s.year = %(year)s AND s.quarter = %(quarter)s AND s.round_id <> %(round)s AND {where}
      AND (s.due_date IS NULL OR s.due_date > CASE WHEN s.filer_unit_id IS NOT NULL THEN %(filer_due)s
        ELSE COALESCE((SELECT {due} FROM {tiers} t, orgtree_orgunit o
                       WHERE o.id = s.org_unit_id AND t.key = CAST(o.level AS TEXT)), s.due_date) END)"""


def _tiers(conn) -> dict:
    """The 截止日期 per org level, read from the round's deadlines (a JSON parameter) on either database."""
    return {"due": sqlport.as_date(conn, "value"), "tiers": sqlport.json_pairs(conn, "%(tiers)s")}


def org_sheets_sql(conn, where: str) -> str:
    """INSERT the round's sheets of the org units matching `where` (SQL on `o`), new ones only."""
    return SHEET_INSERT.format(select=ORG_SELECT.format(where=where, filer=FILER_TIER, **_tiers(conn)))


def chunks(opener: OrgUnit) -> list[tuple[str, str]]:
    """The parts a round is made in, one transaction each: the opener's own (its sheet, its filer
    units) and each direct child's subtree. (SQL condition on the org path, its parameter.)"""
    parts = [("{col} = %(path)s", opener.path)]
    parts += [("{col} LIKE %(path)s", child.path + "%") for child in
              OrgUnit.objects.filter(parent=opener, is_active=True).order_by("path")]
    return parts


def make_chunk(round_: CheckRound, condition: str, path: str) -> list[int]:
    """One part of a round: its new sheets with their rows, others' earlier 截止日期 kept; returns
    the ids of the part's sheets of the quarter still without rows (made before rows came with them)."""
    opener = round_.opened_by
    params = {"round": round_.pk, "year": round_.year, "quarter": round_.quarter, "path": path,
              "filer_due": round_.deadlines[FILER_TIER], "tiers": _json(round_.deadlines)}
    own_sheet = "o.id <> %(root)s" if opener.is_root else "TRUE"
    params["root"] = opener.pk
    with transaction.atomic(), connection.cursor() as cursor:
        # New sheets come with their rows in the same transaction (marked prefilled as inserted): a
        # worker dying here leaves neither.
        cursor.execute(org_sheets_sql(connection, condition.format(col="o.path") + f" AND {own_sheet}"), params)
        new = [row[0] for row in cursor.fetchall()]
        cursor.execute(SHEET_INSERT.format(select=FILER_SELECT.format(where=condition.format(col="o.path"))), params)
        new += [row[0] for row in cursor.fetchall()]
        fill_rows(cursor, new)
        cursor.execute(EARLIER_DUE.format(where=condition.format(col="s.org_path"), **_tiers(connection)), params)
        cursor.execute("SELECT id FROM reports_checksheet s WHERE s.year = %(year)s AND s.quarter = %(quarter)s "
                       "AND NOT s.prefilled AND " + condition.format(col="s.org_path") + " ORDER BY id", params)
        return [row[0] for row in cursor.fetchall()]


def _json(value) -> str:
    return json.dumps(value)


def sheets_made(round_: CheckRound) -> int:
    return (CheckSheet.objects.filter(year=round_.year, quarter=round_.quarter)
            .filter(scope_q(round_.opened_by, "org_path")).count())


def generate(round_: CheckRound, progress=lambda done, total: None) -> int:
    """Make (or finish making) every sheet of the round; returns the sheets of the scope."""
    for condition, path in chunks(round_.opened_by):
        todo = make_chunk(round_, condition, path)
        for start in range(0, len(todo), PREFILL_BATCH):
            prefill_sheets(todo[start:start + PREFILL_BATCH])
        progress(sheets_made(round_), round_.sheets_total)
    made = sheets_made(round_)
    CheckRound.objects.filter(pk=round_.pk).update(status=CheckRound.Status.READY)
    return made


def run_round_job(job, lease) -> None:
    """The job of 发起检查 (jobs.services.execute): make the sheets, then the reminders due at once."""
    round_ = CheckRound.objects.select_related("opened_by").get(pk=job.params["round"])
    lease.progress(sheets_made(round_), round_.sheets_total)
    made = generate(round_, lease.progress)
    send_reminders(scope=round_.opened_by, year=round_.year, quarter=round_.quarter)
    lease.finish(rows_written=made, rows_total=max(made, round_.sheets_total))
