"""删除填报单位 on the review engine: a declared table with its guards (403 for anyone but the
org unit the filer unit is attached to, 409 when it is already deleted or still holds accounts),
the version check and the journal row in the same transaction."""
from django.utils import timezone

from orgtree.models import FilerUnit
from reviews import journal
from reviews.engine import Context, Guard, Transition, TransitionError, Workflow

from .models import User

S = FilerUnit.Status
EMPTY = Guard(lambda obj, s: not obj.account_total, "存在未提交数据或账号，不能删除")


def direct_org_unit(user, obj) -> bool:
    """Only the org unit the filer unit is attached to deletes it."""
    return getattr(user, "kind", None) == User.Kind.ORG and user.org_unit_id is not None and obj.org_unit_id == user.org_unit_id


def mark_deleted(obj: FilerUnit, ctx: Context) -> None:
    """Soft, with a reason; its login ends and its code is never reused."""
    reason = (ctx.data.get("reason") or "").strip()
    if not reason:
        raise TransitionError("删除原因不能为空。")
    if len(reason) > 100:
        raise TransitionError("删除原因不能超过100字。")
    org = ctx.user.org_unit
    obj.deleted_at, obj.delete_reason, obj.deleted_by = timezone.now(), reason, f"{org.name}（{org.code}）"
    ctx.reason = reason
    User.objects.filter(filer_unit=obj).update(is_active=False, initial_password_encrypted="")


FILER_WORKFLOW = Workflow(
    model=FilerUnit, subject_type="filer_unit", status_labels=dict(S.choices), unit_of=journal.unit_of,
    scope_of=lambda obj: obj.org_unit.path,
    transitions=[
        Transition("filer_delete", "删除填报单位", frozenset({S.ACTIVE}), S.DELETED, direct_org_unit, (mark_deleted,),
                   guards=(EMPTY,), stale="该填报单位已删除", denied="仅可删除本组织单位直属的填报单位",
                   form="reason_required", confirm="确定删除该填报单位吗？删除后其账号无法登录。"),
    ],
)


def deletion_refusal(actor, filer: FilerUnit) -> str | None:
    """Why `actor` may not delete `filer` now (None: it may): the list shows it on the button."""
    refusal = FILER_WORKFLOW.refusal(filer, actor, "filer_delete")
    return refusal.message if refusal else None


def delete_filer_unit(actor, filer: FilerUnit, reason: str, expected_version: int | None = None) -> FilerUnit:
    return FILER_WORKFLOW.apply(filer, "filer_delete", actor, {"reason": reason}, expected_version=expected_version)


__all__ = ["FILER_WORKFLOW", "delete_filer_unit", "deletion_refusal"]
