"""检查季度 figures from database aggregates (decision 0038): one row per direct child of a unit —
the unit's own sheet, each of its own filer units' sheets, each child org unit with its whole
subtree summed — so the page costs a few GROUP BY queries whatever the subtree's size, and the
rows add up to the headline (every reported row counted once, through each sheet's own counts).
"""
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import CharField, F, Value
from django.db.models.lookups import StartsWith
from django.utils.safestring import SafeString, mark_safe

from govmedia.common.lists import cell_escape
from govmedia.common.prepared import PreparedQuery
from orgtree.models import OrgUnit

from .models import CheckRound, CheckSheet, pass_rate

DONE = ("submitted", "accepted")
SHEET_STATUS_LABELS = dict(CheckSheet.Status.choices)
SHEET_FIELDS = ("id", "unit_name", "filer_unit_id", "status", "due_date", "own_checked_count", "own_failed_count",
                "own_unregistered_count")


@dataclass(slots=True)
class OwnSheet:
    """What the per-unit table reads of one of the unit's own sheets (SHEET_FIELDS, in that order):
    a county has a sheet per filer unit, read as plain rows, not model instances."""

    pk: int
    unit_name: str
    filer_unit_id: int | None
    status: str
    due_date: object
    own_checked_count: int
    own_failed_count: int
    own_unregistered_count: int

    def get_status_display(self) -> str:
        return SHEET_STATUS_LABELS.get(self.status, self.status)

    def is_overdue(self, today) -> bool:
        return self.due_date is not None and self.status not in DONE and today > self.due_date


@dataclass
class Row:
    """One line of the per-unit table: a sheet (本单位 / a filer unit) or a child org unit's subtree."""

    name: str
    kind: str                       # 本单位 / 填报单位 / 下级组织单位
    due: int = 0                    # 应报
    reported: int = 0               # 已报送 (submitted or accepted)
    returned: int = 0               # 已退回
    overdue: int = 0                # 已逾期
    checked: int = 0
    failed: int = 0
    unregistered: int = 0
    code: str = ""                  # a child org unit: drill down
    sheet: OwnSheet | None = None    # a single sheet
    extra: dict = field(default_factory=dict)

    @property
    def rate(self):
        return pass_rate(self.checked, self.failed)

    @property
    def pending(self) -> int:
        return self.due - self.reported


AGGREGATE = """
    SELECT {key} AS key, count(*),
           count(*) FILTER (WHERE status IN ('submitted', 'accepted')),
           count(*) FILTER (WHERE status = 'returned'),
           count(*) FILTER (WHERE status IN ('draft', 'returned') AND due_date < %(today)s),
           coalesce(sum(own_checked_count) FILTER (WHERE status IN ('submitted', 'accepted')), 0),
           coalesce(sum(own_failed_count) FILTER (WHERE status IN ('submitted', 'accepted')), 0),
           coalesce(sum(own_unregistered_count) FILTER (WHERE status IN ('submitted', 'accepted')), 0)
    FROM reports_checksheet
    WHERE year = %(year)s AND quarter = %(quarter)s AND {where}
    GROUP BY 1"""


def _fill(row: Row, values) -> Row:
    row.due, row.reported, row.returned, row.overdue, row.checked, row.failed, row.unregistered = values
    return row


def unit_rows(unit: OrgUnit, year: int, quarter: int, today) -> list[Row]:
    """The per-unit table of `unit` for a quarter: its own sheet, its filer units' sheets, its
    child org units (each summed over its subtree). Two queries."""
    params = {"year": year, "quarter": quarter, "today": today, "path": unit.path, "like": unit.path + "_%"}
    depth = len(unit.ancestor_codes) + 2  # '/GB0000/110000/' split on '/': the child's code is the next part
    child_code = f"split_part(org_path, '/', {depth})"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a.*, o.name FROM ({AGGREGATE.format(key=child_code, where='org_path LIKE %(like)s')}) a "
                       "LEFT JOIN orgtree_orgunit o ON o.code = a.key", params)
        found = cursor.fetchall()
    by_child = {row[0]: row[1:-1] for row in found}
    names = {row[0]: row[-1] for row in found}
    # The unit's own sheets, only what the rows read, in plain SQL like the aggregate (a county has a
    # sheet per filer unit: no org unit joined, no contacts decrypted, no ORM query compiled).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(SHEET_FIELDS)} FROM reports_checksheet WHERE year = %s AND quarter = %s "
                       "AND org_path = %s ORDER BY filer_unit_id, unit_name, id", [year, quarter, unit.path])
        own = [OwnSheet(*values) for values in cursor.fetchall()]
    rows = []
    for sheet in own:
        done = sheet.status in DONE
        kind = "填报单位" if sheet.filer_unit_id else "本单位"
        rows.append(Row(sheet.unit_name, kind, 1, int(done), int(sheet.status == CheckSheet.Status.RETURNED),
                        int(sheet.is_overdue(today)), sheet.own_checked_count if done else 0,
                        sheet.own_failed_count if done else 0, sheet.own_unregistered_count if done else 0, sheet=sheet))
    rows.sort(key=lambda r: r.kind != "本单位")
    for code in sorted(by_child):
        rows.append(_fill(Row(names.get(code) or code, "下级组织单位", code=code), by_child[code]))
    return rows


def headline(rows: list[Row]) -> Row:
    total = Row("合计", "")
    for row in rows:
        for name in ("due", "reported", "returned", "overdue", "checked", "failed", "unregistered"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def subtree_totals(unit: OrgUnit, year: int, quarter: int, today) -> Row:
    """The headline straight from the sheets of the subtree (one query), whatever the rows say."""
    params = {"year": year, "quarter": quarter, "today": today, "like": unit.path + "%"}
    with connection.cursor() as cursor:
        cursor.execute(AGGREGATE.format(key="1", where="org_path LIKE %(like)s"), params)
        found = cursor.fetchone()
    return _fill(Row("合计", ""), found[1:]) if found else Row("合计", "")


# What 检查季度 shows of a round and its opener (its job's progress, read while it generates only).
ROUND_FIELDS = ("id", "year", "quarter", "title", "opened_at", "status", "sheets_total", "job", "opened_by__name",
                "opened_by__path")
# Opened by the unit or an ancestor: the opener's path is a prefix of the unit's. Compiled once.
_ROUNDS = PreparedQuery(CheckRound, lambda year, quarter, path: (
    CheckRound.objects.filter(StartsWith(Value(path, output_field=CharField()), F("opened_by__path")), year=year, quarter=quarter)
    .select_related("opened_by").only(*ROUND_FIELDS).order_by("opened_by__path")),
    year=30_001, quarter=30_002, path="\x00prepared-path")


def rounds_of(unit: OrgUnit, year: int, quarter: int):
    """The rounds covering `unit` this quarter: opened by it or an ancestor."""
    return _ROUNDS.all(year=year, quarter=quarter, path=unit.path)


def children_html(rows: list[Row], sheet_prefix: str) -> SafeString:
    """The per-unit table's body, written here rather than by the template engine: a county's
    table has a row per filer unit, and template nodes per cell were most of the page's time.
    Built with plain escapes (format_html's lazy-argument checks cost more than the escaping)."""
    if not rows:
        return mark_safe('<tr><td colspan="10" class="text-center text-muted py-3">本季度暂无检查结果信息表。</td></tr>')
    return mark_safe("\n".join(_child_row(r, sheet_prefix) for r in rows))  # every value escaped in _child_row


def _child_row(r: Row, sheet_prefix: str) -> str:
    e = cell_escape
    overdue = f'<span class="text-danger">{r.overdue}</span>' if r.overdue else "0"
    if r.code:
        action = f'<a href="?unit={e(r.code)}" data-testid="drill">下级情况</a>'
    elif r.sheet is not None:
        action = (f'<a href="{e(sheet_prefix)}{r.sheet.pk}/">{"审核" if r.sheet.status == "submitted" else "查看"}</a>'
                  f'（{e(r.sheet.get_status_display())}）')
    else:
        action = ""
    name, rate = e(r.name), r.rate
    return (f'<tr data-unit="{name}"><td>{name}</td><td>{e(r.kind)}</td><td>{r.due}</td><td>{r.reported}</td>'
            f'<td>{r.returned}</td><td data-testid="overdue">{overdue}</td><td>{r.checked}</td><td>{r.failed}</td>'
            f'<td>{"—" if rate is None else e(rate)}</td><td>{action}</td></tr>')


def circular_rows_html(rows: list[Row]) -> SafeString:
    """季度通报's per-unit table body (the same bytes its template loop wrote): a row per filer unit."""
    if not rows:
        return mark_safe('<tr><td colspan="9" class="text-muted">无。</td></tr>')
    e = cell_escape
    out = []
    for r in rows:
        name, rate = e(r.name), r.rate
        out.append(f'<tr data-unit="{name}"><td>{name}</td><td>{e(r.kind)}</td><td>{r.due}</td><td>{r.reported}</td>'
                   f'<td>{r.overdue}</td><td data-testid="checked">{r.checked}</td><td data-testid="failed">{r.failed}</td>'
                   f'<td>{"—" if rate is None else e(rate)}</td><td>{r.unregistered}</td></tr>\n  ')
    return mark_safe("".join(out))  # every value escaped above (the counts are integers)


def overdue_list_html(sheets) -> SafeString:
    """季度通报's 逾期未报送单位 items (the same bytes its template loop wrote)."""
    if not sheets:
        return mark_safe('<li class="text-muted">无。</li>')
    return mark_safe("".join(f"<li>{cell_escape(s.unit_name)}（截止 {s.due_date:%Y-%m-%d}）</li>" if s.due_date
                             else f"<li>{cell_escape(s.unit_name)}（截止 ）</li>" for s in sheets))
