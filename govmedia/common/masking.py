"""Personal data minimised in lists and exports (个人信息保护; decision record 0052).

Phone numbers and e-mail addresses show masked (139****5678, l***@example.gov.cn) unless the
viewer's task needs them: the unit directly above the row (the org unit a filer unit or an
account's filer unit hangs from, a website's own org unit) or the row's own filer unit. Each
page or export that shows them in full writes one journal entry (查看完整联系方式: which list,
how many rows). Open data and the API carry none of them (tests/compliance/test_masking.py).
"""
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


def record_reveal(user, what: str, count: int, **data) -> None:
    """One journal entry for a page or an export showing `count` rows' contacts in full."""
    if count:
        journal.record(None, "personal_data_reveal", user, subject_type="system", subject_label=what,
                       data={"rows": count, **data})


class RevealJournaledAdminMixin:
    """Ops staff see a row's contacts in full on its admin page (their task: correct them); each
    opening of such a page is journaled as 查看完整联系方式, naming the row (decision 0052)."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 200) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                journal.record(obj, "personal_data_reveal", request.user, reason="运维管理后台查看或修改联系方式")
        return response
