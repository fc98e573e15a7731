"""检查季度's list of sheets on the shared list machinery: paged, sortable, filterable, the columns
chosen, 导出 (all, or the overdue ones) as a job (decision 0038)."""
import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from govmedia.common.filtersets import ListFilterSet
from govmedia.common.lists import Column, ListSpec, cell_escape, register, same_scope
from govmedia.common.list_reads import DIRECT_PAGE_MAX
from govmedia.common.prepared import QUARTER, YEAR, read_as_viewer
from jobs.exports import register_workbook
from orgtree.selectors import unit_in_scope

from .circular import circular_workbook
from .models import CheckSheet
from .selectors import sheets_visible_to

S = CheckSheet.Status


class SheetFilter(ListFilterSet):
    q = django_filters.CharFilter(label="单位名称", method="filter_q")
    status = django_filters.ChoiceFilter(label="状态", choices=S.choices, empty_label="全部")
    overdue = django_filters.ChoiceFilter(label="是否逾期", choices=[("1", "已逾期未报送")], empty_label="全部",
                                          method="filter_overdue")
    kind = django_filters.ChoiceFilter(label="单位类别", choices=[("filer", "填报单位"), ("org", "组织单位")],
                                       empty_label="全部", method="filter_kind")
    unit = django_filters.CharFilter(label="组织单位代码", method="filter_unit")

    class Meta:
        model = CheckSheet
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(unit_name__contains=value.strip())

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(status__in=[S.DRAFT, S.RETURNED], due_date__lt=timezone.localdate())

    def filter_kind(self, queryset, name, value):
        return queryset.filter(filer_unit__isnull=value == "org")

    def filter_unit(self, queryset, name, value):
        viewer = getattr(self.request.user, "org_unit", None)
        unit = unit_in_scope(viewer, value) if viewer else None
        if unit is None:
            return queryset.none()
        return queryset.filter(org_path__startswith=unit.path)


def _year_quarter(request) -> tuple[int, int] | None:
    try:
        return int(request.GET.get("year", "")), int(request.GET.get("quarter", ""))
    except ValueError:
        return None


def _listed(sheets):
    """The columns read the sheet and the names of its org unit and that unit's parent (所属组织单位):
    not its filer unit's or round's rows."""
    return sheets.select_related(None).select_related("org_unit__parent").only(*LIST_FIELDS)


def sheet_querysets(request):
    """The quarter's sheets of the user's subtree (year and quarter from the query string)."""
    found = _year_quarter(request)
    if found is None:
        return CheckSheet.objects.none(), CheckSheet.objects.none()
    qs = _listed(sheets_visible_to(request.user).filter(year=found[0], quarter=found[1]))
    return qs, qs


def first_sheets(request, limit: int, total: int):
    """检查季度 as an org unit opens it: the first page of its subtree's sheets of the quarter, by a
    statement compiled once per shape (the country or a subtree) and page size
    (govmedia.common.prepared.read_as_viewer: `sheet_querysets`' own selectors, with the viewer's
    values; tests/reports/test_supervision_scale.py). Only for a small list (no index holds this
    order: the statement joins before it sorts)."""
    user, found = request.user, _year_quarter(request)
    if found is None or user.kind != user.Kind.ORG or not user.org_unit_id or total > DIRECT_PAGE_MAX:
        return None

    def build(viewer, year, quarter):
        sheets = _listed(sheets_visible_to(viewer).filter(year=year, quarter=quarter))
        return sheets.order_by(*SHEET_LIST.default_ordering)[:limit]

    return read_as_viewer(("reports.first_sheets", limit), CheckSheet, build, user,
                          markers={"year": YEAR, "quarter": QUARTER}, values={"year": found[0], "quarter": found[1]})


LIST_FIELDS = ("id", "year", "quarter", "filer_unit_id", "org_unit_id", "org_path", "unit_name", "due_date", "status",
               "filler_name", "filler_phone", "checked_count", "failed_count", "unregistered_count", "submitted_at",
               "org_unit__name", "org_unit__parent__name")


def _supervisor(row) -> str:
    return row.supervisor_name


def sheet_url_prefix() -> str:
    """The address of any sheet is this prefix, its id and a slash: one reverse() per page, not one per row."""
    return reverse("checks:sheet", args=[0])[:-2]


def prepare_sheets(rows, request) -> None:
    """Once per page (and per export batch): today's date and the sheets' address, kept on the rows
    for the columns, the row class and the actions."""
    today, prefix = timezone.localdate(), sheet_url_prefix()
    for row in rows:
        row.list_overdue = row.is_overdue(today)
        row.list_overdue_days = (today - row.due_date).days if row.list_overdue else None
        row.list_url = f"{prefix}{row.pk}/"


def _overdue(row) -> bool:
    if not hasattr(row, "list_overdue"):
        prepare_sheets([row], None)
    return row.list_overdue


def _overdue_days(row) -> str:
    return str(row.list_overdue_days) if _overdue(row) else ""


STATUS_LABELS = dict(S.choices)  # get_status_display() builds its lookup anew each call: 2 per row


def _status(row) -> str:
    return STATUS_LABELS.get(row.status, row.status)


def _status_html(row):
    if _overdue(row):  # built with plain escapes, as the list machinery's rows are
        return mark_safe(f'{cell_escape(_status(row))} <span class="badge text-bg-danger">已逾期</span>')
    return _status(row)


def _sheet_action(row, request):
    _overdue(row)
    return mark_safe(f'<a class="btn btn-link btn-sm p-0" href="{cell_escape(row.list_url)}">'
                     f'{"审核" if row.status == S.SUBMITTED else "查看"}</a>')


def _done(value_of):
    return lambda row: value_of(row) if row.is_done else "—"


SHEET_LIST = register(ListSpec(
    name="check_sheets",
    filterset_class=SheetFilter,
    default_ordering=("due_date", "id"),  # (not org_path: its ordered index walk reads the whole country)
    export_filename="检查结果信息表报送情况.xlsx",
    export_sheet="报送情况",
    querysets=sheet_querysets,
    first_page=first_sheets,
    prepare_page=prepare_sheets,
    row_class=lambda row: "table-warning" if _overdue(row) else "",
    actions=_sheet_action,
    columns=[
        Column("name", "单位名称", lambda r: r.unit_name, sort="unit_name", choosable=False),
        Column("kind", "单位类别", lambda r: "填报单位" if r.is_filer_sheet else "组织单位"),
        Column("supervisor", "所属组织单位", _supervisor),
        Column("due", "截止日期", lambda r: r.due_date, sort="due_date"),
        Column("status", "状态", _status, sort="status", html=_status_html),
        Column("overdue_days", "逾期天数", _overdue_days),
        Column("checked", "检查数量", _done(lambda r: r.checked_count), sort="checked_count"),
        Column("failed", "不合格数量", _done(lambda r: r.failed_count), sort="failed_count"),
        Column("rate", "合格率(%)", _done(lambda r: r.pass_rate if r.pass_rate is not None else "—")),
        Column("unregistered", "未备案账号", _done(lambda r: r.unregistered_count), default=False),
        Column("submitted", "报送时间", lambda r: timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")
               if r.submitted_at else "", sort="submitted_at", nulls_last=True),
        Column("filler", "填表人", lambda r: r.filler_name, default=False),
        Column("phone", "联系电话", lambda r: r.filler_phone, default=False),
    ],
))


def own_sheets(user):
    """The sheets the user's own unit fills: a filer unit's, or an org unit's own (not its children's)."""
    qs = sheets_visible_to(user)
    if user.filer_unit_id:
        return qs
    return qs.filter(filer_unit__isnull=True, org_unit_id=user.org_unit_id)


class OwnSheetFilter(ListFilterSet):
    # (no year/quarter filters: their ids would clash with 发起检查's fields on the same page)
    status = django_filters.ChoiceFilter(label="状态", choices=S.choices, empty_label="全部")
    overdue = django_filters.ChoiceFilter(label="是否逾期", choices=[("1", "逾期未报送")], empty_label="全部",
                                          method="filter_overdue")

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(status__in=[S.DRAFT, S.RETURNED], due_date__lt=timezone.localdate())

    class Meta:
        model = CheckSheet
        fields: list[str] = []


def _due_html(row):
    """截止日期 with what it means for the unit now: 已逾期, or 待报送 while it is still to be sent."""
    due = row.due_date.isoformat() if row.due_date else "—"
    if row.is_done or not row.due_date:
        return due
    if row.is_overdue(timezone.localdate()):
        return format_html('{} <span class="badge text-bg-danger" data-testid="overdue">已逾期</span>', due)
    return format_html('{} <span class="badge text-bg-warning" data-testid="due">待报送</span>', due)


def _own_status(row) -> str:
    status = row.get_status_display()
    return f"{status}（{row.return_reason}）" if row.status == S.RETURNED and row.return_reason else status


OWN_SHEET_LIST = register(ListSpec(
    name="own_check_sheets",
    filterset_class=OwnSheetFilter,
    default_ordering=("-year", "-quarter", "-id"),
    export_filename="本单位检查结果信息表.xlsx",
    export_sheet="本单位检查结果信息表",
    querysets=same_scope(lambda request: own_sheets(request.user)),
    row_class=lambda row: "table-warning" if row.is_overdue(timezone.localdate()) else "",
    actions=lambda row, request: format_html('<a class="btn btn-link btn-sm p-0" href="{}">{}</a>',
                                             reverse("checks:sheet", args=[row.pk]),
                                             "填写" if row.editable else "查看"),
    columns=[
        Column("year", "年份", lambda r: r.year, sort="year", choosable=False),
        Column("quarter", "季度", lambda r: f"第{r.quarter}季度", sort="quarter", choosable=False),
        Column("round", "检查季度", lambda r: r.round.title),
        Column("due", "截止日期", lambda r: r.due_date, sort="due_date", html=_due_html),
        Column("status", "状态", _own_status, sort="status"),
        Column("checked", "检查数量", _done(lambda r: r.checked_count), default=False),
        Column("failed", "不合格数量", _done(lambda r: r.failed_count), default=False),
        Column("rate", "合格率(%)", _done(lambda r: r.pass_rate if r.pass_rate is not None else "—"), default=False),
        Column("submitted", "报送时间", lambda r: timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")
               if r.submitted_at else "", sort="submitted_at", nulls_last=True, default=False),
    ],
))


register_workbook("check_circular", circular_workbook)  # 季度通报's 完整名单（.xlsx）, written by an export job
