"""The business actions on media accounts. Every state change goes through the review engine
(accounts_media.workflow.WORKFLOW), so the rules live in its table and nowhere else."""
from django.db import IntegrityError

from reviews.engine import NEW, TransitionError

from .counts import refresh_counts  # noqa: F401  (re-exported: bench and callers read it here)
from .models import MediaAccount
from .workflow import WORKFLOW
from reviews.engine import create_many as engine_create_many


def new_account(user) -> MediaAccount:
    return MediaAccount(filer_unit=user.filer_unit, status=NEW)


def perform(account: MediaAccount, action: str, user, data: dict | None = None, expected_version: int | None = None):
    """Apply one transition of the table (暂存, 提交, 同意添加, 关停 …)."""
    try:
        return WORKFLOW.apply(account, action, user, data or {}, expected_version=expected_version)
    except IntegrityError:
        # Two units registering the same account at the same instant: the constraint decides. Two
        # quick clicks of one unit meet here too: then it was the unit's own submission.
        holder = holder_of((data or {}).get("account_type", account.account_type),
                           (data or {}).get("platform_id", account.platform_id))
        if holder is not None and holder.filer_unit_id == account.filer_unit_id:
            raise TransitionError("该账号已由本单位报送（可能重复点击了提交），未重复报送。")
        raise TransitionError("该账号已被其他单位报送，不能重复报送。")


def create_many(user, action: str, rows: list[dict]) -> list[MediaAccount]:
    """批量导入: many new accounts of the user's filer unit in one transaction (暂存 or 提交)."""
    accounts = [new_account(user) for _ in rows]
    return engine_create_many(WORKFLOW, accounts, action, user, rows)


def allowed_actions(account: MediaAccount, user) -> set[str]:
    return {t.name for t in WORKFLOW.allowed(account, user)}


def holder_of(account_type: str, platform_id: str, exclude_pk: int | None = None) -> MediaAccount | None:
    """The live account already registered with this (type, platform id), if any."""
    qs = MediaAccount.objects.filter(account_type=account_type, platform_id=platform_id, removed_at__isnull=True)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("filer_unit").first()
