"""The journal in the Django admin, for ops staff: read-only, newest first, filtered by subject
type, action, acting unit, subtree and date, searched by subject, unit or address, exported to
Excel. Every filter is served by an index of `JournalEntry` (millions of rows: no full counts,
no DISTINCT over the table)."""
from django.contrib import admin
from django.utils import timezone

from govmedia.common import masking
from govmedia.common.list_reads import CappedCountPaginator
from govmedia.common.scope import org_units
from govmedia.common.xlsx import cell_value, table_keys, table_response

from .journal import SUBJECT_TYPES, action_labels, search_q
from .models import JournalEntry


class SubjectTypeFilter(admin.SimpleListFilter):
    title = "对象类型"
    parameter_name = "subject_type"

    def lookups(self, request, model_admin):
        return list(SUBJECT_TYPES.items())

    def queryset(self, request, queryset):
        return queryset.filter(subject_type=self.value()) if self.value() else queryset


class ActionFilter(admin.SimpleListFilter):
    """Every action of the closed registry: those recorded through `journal.record` and the
    engine's transitions (同意添加, 审核通过 …), by label."""

    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return sorted(action_labels().items(), key=lambda item: (item[1], item[0]))

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class InputFilter(admin.SimpleListFilter):
    """A filter typed in (a unit code), not picked from a list of every value in the table."""

    template = "admin/reviews/input_filter.html"

    def lookups(self, request, model_admin):
        return [("", "")]  # the admin shows a filter only when it has lookups

    def choices(self, changelist):
        query = {k: v for k, v in changelist.get_filters_params().items() if k != self.parameter_name}
        yield {"parameter_name": self.parameter_name, "value": self.value() or "", "query": query}


class ActorUnitFilter(InputFilter):
    title = "操作单位代码"
    parameter_name = "unit"

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        # The code as stored (BM2900 finds bm2900), then an exact, indexed match.
        unit = org_units().filter(code__iexact=value).values_list("code", flat=True).first()
        return queryset.filter(actor_unit_code=unit or value)


class ScopeFilter(InputFilter):
    title = "管理范围（组织单位代码，含下级）"
    parameter_name = "scope"

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        unit = org_units().filter(code__iexact=value).first()
        if unit is None:
            return queryset.none()
        return queryset.exclude(scope_path="").filter(scope_path__startswith=unit.path)


EXPORT_HEADERS = ["时间", "操作单位代码", "操作单位", "操作用户", "来源地址", "对象类型", "对象", "操作", "操作前",
                  "操作后", "变更内容", "原因/说明", "审核结果", "经办人", "审核定位"]


def _changes_text(changes) -> str:
    """Phones and e-mail masked: the journal is read for who did what, not to reach anyone (0052)."""
    return "；".join(f"{c.get('label', '')}：{c.get('old') or '（空）'} 改为: {c.get('new') or '（空）'}"
                    for c in masking.masked_json(changes or []))


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_unit_display", "ip_address", "subject_type_display", "subject_label", "action_label",
                    "status_display", "changes_display"]
    list_filter = [SubjectTypeFilter, ActionFilter, ActorUnitFilter, ScopeFilter, ("at", admin.DateFieldListFilter)]
    search_fields = ["subject_label"]  # shows the box; the search itself is get_search_results below
    ordering = ["-at", "-id"]
    list_select_related = ["actor"]
    list_per_page = 50
    show_full_result_count = False
    paginator = CappedCountPaginator
    actions = ["export_xlsx"]
    fields = ["at", "actor", "actor_unit_code", "actor_unit_name", "ip_address", "subject_type", "subject_id",
              "subject_label", "scope_path", "action", "action_label", "status_before", "status_after", "result", "reason",
              "person_name", "person_phone", "changes", "data", "position"]
    readonly_fields = fields

    search_help_text = "输入单位代码、名称、账号或网站标识码、用户名，或来源地址"

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            masking.mask_entry(obj)  # shown only (never saved: the journal is append-only)
        return obj

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(search_q(search_term)), False

    @admin.display(description="操作单位")
    def actor_unit_display(self, obj):
        return f"{obj.actor_unit_name}（{obj.actor_unit_code}）" if obj.actor_unit_code else "—"

    @admin.display(description="对象类型")
    def subject_type_display(self, obj):
        return SUBJECT_TYPES.get(obj.subject_type, obj.subject_type)

    @admin.display(description="状态")
    def status_display(self, obj):
        if not (obj.status_before or obj.status_after):
            return ""
        return f"{obj.status_before or '无'} → {obj.status_after or '无'}"

    @admin.display(description="变更内容")
    def changes_display(self, obj):
        return _changes_text(obj.changes) or obj.reason

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # never edited

    def has_delete_permission(self, request, obj=None):
        return False  # never deleted

    @admin.action(description="导出所选操作日志（Excel）")
    def export_xlsx(self, request, queryset):
        keys = table_keys(EXPORT_HEADERS)
        rows = (
            dict(zip(keys, map(cell_value, [e.at, e.actor_unit_code, e.actor_unit_name, e.actor.username if e.actor_id else "", e.ip_address or "",
             SUBJECT_TYPES.get(e.subject_type, e.subject_type), e.subject_label, e.action_label, e.status_before,
             e.status_after, _changes_text(e.changes), e.reason, e.result, e.person_name, e.position])))
            for e in queryset.select_related("actor").order_by("-at", "-id").iterator(chunk_size=2000)
        )
        name = f"操作日志-{timezone.localtime():%Y%m%d%H%M%S}.xlsx"
        return table_response(name, "操作日志", EXPORT_HEADERS, rows)  # the one export writer


from . import audit_admin  # noqa: E402,F401  (the 审计管理员's pages: checks, archives, export)
