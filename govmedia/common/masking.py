"""Personal data minimised in lists and exports (个人信息保护; decision record 0052).

Phone numbers and e-mail addresses show masked (139****5678, l***@example.gov.cn) unless the
viewer's task needs them: the unit directly above the row (the org unit a filer unit or an
account's filer unit hangs from, a website's own org unit) or the row's own filer unit. Each
page or export that shows them in full writes one journal entry (查看完整联系方式: which list,
how many rows). Ops staff see them masked in the admin until they give a reason (journaled). Open data and the API carry none of them (tests/compliance/test_masking.py).
"""
import time

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse

from govmedia.common import gm
from reviews import journal


def mask_phone(value) -> str:
    text = str(value or "")
    if len(text) >= 7:
        return f"{text[:3]}****{text[-4:]}"
    return "*" * len(text)


def mask_email(value) -> str:
    name, at, domain = str(value or "").partition("@")
    if not at:
        return mask_phone(value)
    return f"{name[:1]}***@{domain}"


def viewer(user) -> dict:
    """What decides the reveal for this viewer: the org unit directly above, or the filer unit itself."""
    kind = getattr(user, "kind", "")
    return {"reveal_org": getattr(user, "org_unit_id", None) if kind == "org" else None,
            "reveal_filer": getattr(user, "filer_unit_id", None) if kind == "filer" else None}


def shown(ctx: dict, value, org_id=None, filer_id=None, mask=mask_phone) -> str:
    """`value` in full when ctx's viewer is directly above (or is the filer unit), else masked."""
    if not value:
        return value or ""
    if (ctx.get("reveal_org") and org_id == ctx["reveal_org"]) or (ctx.get("reveal_filer") and filer_id == ctx["reveal_filer"]):
        return value
    return mask(value)


def show_contacts(request, obj, fields, org_id=None, filer_id=None, what: str = "", changes=()) -> None:
    """A detail page (查看): sets `obj.<field>_shown` for each of `fields` by the lists' rule (in full
    for the unit directly above or the filer unit itself, else masked), masks the same fields in
    the proposed-change rows `changes` (dicts with field/old/new), and journals one reveal naming
    the row when anything shows in full."""
    ctx = viewer(request.user)
    full = 0
    for name in fields:
        mask = mask_email if "email" in name else mask_contact if name == "contact" else mask_phone
        value = getattr(obj, name)
        setattr(obj, f"{name}_shown", shown(ctx, value, org_id, filer_id, mask))
        full += bool(value) and getattr(obj, f"{name}_shown") == value
    for row in changes:
        if row.get("field") in fields:
            mask = mask_email if "email" in row["field"] else mask_phone
            row["old"], row["new"] = (shown(ctx, row["old"], org_id, filer_id, mask),
                                      shown(ctx, row["new"], org_id, filer_id, mask))
            full += row["new"] != mask(row["new"]) and bool(row["new"])
    if full:
        journal.record(obj, "personal_data_reveal", request.user, reason=what)


def mask_contact(value) -> str:
    return mask_email(value) if "@" in str(value or "") else mask_phone(value)


def masked_json(value):
    """A JSON value with every contact in it (gm.CONTACT_KEY: a contact key, a change row of a
    contact field) masked."""
    return gm.map_contacts(value, mask_contact)


def may_see(ctx: dict, org_id=None, filer_id=None) -> bool:
    return bool((ctx.get("reveal_org") and org_id == ctx["reveal_org"])
                or (ctx.get("reveal_filer") and filer_id == ctx["reveal_filer"]))


def mask_entry(entry) -> None:
    """A journal entry about to be shown (never saved again: the journal is append-only) with its
    经办人电话 and the contacts of its changes and data masked."""
    entry.person_phone = mask_phone(entry.person_phone) if entry.person_phone else ""
    entry.changes, entry.data = masked_json(entry.changes), masked_json(entry.data)


def _has_contacts(entry) -> bool:
    return bool(entry.person_phone or gm.contacts_in(entry.changes) or gm.contacts_in(entry.data))


def journal_shown(request, subject, entries, org_id=None, filer_id=None, what: str = "") -> list:
    """流水 / 审核流水 of one row: its entries with the contacts (经办人电话, phones and e-mails in
    the changes) in full for the unit directly above (or the filer unit itself), masked for
    everyone else; a full showing journaled once, naming the row."""
    entries = list(entries)
    if may_see(viewer(request.user), org_id, filer_id):
        if subject is not None and any(_has_contacts(e) for e in entries):
            journal.record(subject, "personal_data_reveal", request.user, reason=what)
    else:
        for entry in entries:
            mask_entry(entry)
    return entries


def record_reveal(user, what: str, count: int, **data) -> None:
    """One journal entry for a page or an export showing `count` rows' contacts in full."""
    if count:
        journal.record(None, "personal_data_reveal", user, subject_type="system", subject_label=what,
                       data={"rows": count, **data})


class RevealReasonForm(forms.Form):
    reason = forms.CharField(label="查看原因", min_length=4, max_length=200,
                             widget=forms.Textarea(attrs={"rows": 3, "placeholder": "例如：核对填报单位联系人手机号以便联系更正"}),
                             error_messages={"required": "请填写查看原因。", "min_length": "查看原因至少 4 个字。"})


def contact_fields(model) -> list[str]:
    """The model's phone and e-mail columns: its encrypted personal-data fields."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, gm.EncryptedMixin)
            and any(part in f.name for part in ("mobile", "phone", "email", "sms_to"))]


def json_contact_fields(model) -> list[str]:
    """The model's JSON columns holding contacts (gm.EncryptedContactsJSONField)."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, gm.EncryptedContactsJSONField)]


class RevealJournaledAdminMixin:
    """Ops staff see a row's phones and e-mail masked on its admin page (read-only there); the
    查看完整联系方式 button asks for a reason, journals it (查看完整联系方式, naming the row and the
    reason) and then shows them in full, editable, for REVEAL_MINUTES (decision 0052)."""

    change_form_template = "admin/reveal_change_form.html"
    REVEAL_MINUTES = 10
    SESSION_KEY = "personal_data_reveals"

    def _reveal_key(self, object_id) -> str:
        return f"{self.opts.label_lower}:{object_id}"

    def contacts_revealed(self, request, object_id) -> bool:
        until = request.session.get(self.SESSION_KEY, {}).get(self._reveal_key(object_id), 0)
        return until > time.time()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.contacts_revealed(request, obj.pk):
            fields += [name for name in contact_fields(self.model) + json_contact_fields(self.model) if name not in fields]
        return fields

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        # Shown masked (read-only, never saved: the masking is on GET only, POSTs keep the row as stored).
        if obj is not None and request.method == "GET" and not self.contacts_revealed(request, obj.pk):
            for name in contact_fields(self.model):
                value = getattr(obj, name)
                setattr(obj, name, mask_email(value) if "email" in name else mask_phone(value))
            for name in json_contact_fields(self.model):
                setattr(obj, name, masked_json(getattr(obj, name)))
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        if (contact_fields(self.model) or json_contact_fields(self.model)) and not self.contacts_revealed(request, object_id):
            extra_context["reveal_url"] = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_reveal",
                                                  args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_reveal"
        return [path("<path:object_id>/reveal/", self.admin_site.admin_view(self.reveal_view), name=name),
                *super().get_urls()]

    def reveal_subject(self, obj) -> dict:
        """What the journal entry names (a model the journal has no subject type for overrides it)."""
        return {"subject": obj}

    def reveal_view(self, request, object_id):
        obj = self.model._default_manager.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        form = RevealReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            subject = self.reveal_subject(obj)
            journal.record(subject.pop("subject", None), "personal_data_reveal", request.user,
                           reason=form.cleaned_data["reason"], **subject,
                           data={"fields": contact_fields(self.model), "where": "运维管理后台"})
            reveals = {k: v for k, v in request.session.get(self.SESSION_KEY, {}).items() if v > time.time()}
            reveals[self._reveal_key(obj.pk)] = time.time() + self.REVEAL_MINUTES * 60
            request.session[self.SESSION_KEY] = reveals
            messages.info(request, f"已显示完整联系方式（{self.REVEAL_MINUTES} 分钟内有效），查看原因已记入日志。")
            return redirect(change_url)
        return render(request, "admin/reveal_reason.html", {
            **self.admin_site.each_context(request), "form": form, "object": obj, "opts": self.opts,
            "change_url": change_url, "title": "查看完整联系方式"})
