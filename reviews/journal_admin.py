"""Ops edits in the Django admin, journaled: a mixin for every ModelAdmin that lets ops staff
change a row. Each save writes one entry (运维新增 / 运维修改) with the changed fields old → new,
the ops user and the request's address; password hashes are never written."""
from . import journal

NEVER_JOURNALED = {"password", "last_login", "initial_password_encrypted", "verification_encrypted"}


def shown(obj, name: str) -> str:
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return "、".join(str(o) for o in getattr(obj, name).all()) if obj.pk else ""
    if field.choices:
        return str(getattr(obj, f"get_{name}_display")())
    if field.is_relation:
        return str(getattr(obj, name) or "")
    return journal.show(getattr(obj, name))


def default_scope_path(obj) -> str:
    """The org path a row is scoped under: its own copy, its org unit's, or its filer unit's."""
    if getattr(obj, "org_path", ""):
        return obj.org_path
    if obj._meta.label_lower == "orgtree.orgunit":
        return obj.path
    org = getattr(obj, "org_unit", None)
    if org is not None:
        return org.path
    filer = getattr(obj, "filer_unit", None)
    return filer.org_unit.path if filer is not None else ""


class JournaledAdminMixin:
    """Put before `admin.ModelAdmin` in the bases. `journal_exclude`: fields whose change is
    journaled by another mechanism (e.g. a website's 运行状态, moved by its own transition table)."""

    journal_exclude: tuple[str, ...] = ()

    def journal_scope_path(self, obj) -> str:
        return default_scope_path(obj)

    def _journaled_fields(self, form) -> list[str]:
        names = {f.name for f in self.model._meta.get_fields() if f.concrete}
        return [n for n in form.changed_data
                if n in names and n not in NEVER_JOURNALED and n not in self.journal_exclude]

    def save_model(self, request, obj, form, change):
        fields = self._journaled_fields(form)
        if change and fields:
            old = type(obj)._default_manager.get(pk=obj.pk)
            form._journal_before = {n: shown(old, n) for n in fields}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        fields = self._journaled_fields(form)
        before = getattr(form, "_journal_before", {}) if change else {}
        after = {n: shown(obj, n) for n in fields}
        if change and not journal.diff(before, after):
            return
        journal.record(obj, "ops_edit" if change else "ops_create", request.user, before=before, after=after,
                       scope_path=self.journal_scope_path(obj), request=request)


__all__ = ["JournaledAdminMixin", "default_scope_path", "shown"]
