"""The rules of filer units (填报单位): creation by L1 units, password protection, unit
info and renaming (deletion is a transition: filer_workflow.py). Each public function is one business action, atomic."""
import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from orgtree.codes import SerialExhausted, next_serial
from orgtree.models import FilerUnit, OrgUnit
from orgtree.selectors import scope_q
from reviews import journal

from . import crypto
from .models import User
from .services import issue_one_time_password

FILER_CODE_RE = re.compile(r"^[A-Za-z0-9]{6}M\d{3}$")


class FilerUnitError(Exception):
    """A refused action; the message is shown to the user as it is."""


def _org_of(user: User) -> OrgUnit:
    if user.kind != User.Kind.ORG or user.org_unit_id is None:
        raise FilerUnitError("只有组织单位可以管理填报单位。")
    return user.org_unit


def supervises(user: User, filer: FilerUnit) -> bool:
    """Org units whose subtree holds the filer unit supervise it."""
    org = _org_of(user)
    return filer.org_unit.path.startswith(org.path)


def attachable_units(user: User, tier: int):
    """The org units of `tier` (1 = 省直/国务院部委 … 3 = 县直/地市级及以下) inside an L1 unit's subtree."""
    org = _org_of(user)
    qs = OrgUnit.objects.filter(scope_q(org), is_active=True)
    level = org.level + tier - 1
    return qs.filter(level__gte=level) if tier == 3 else qs.filter(level=level)


def _highest_serial(org: OrgUnit) -> int:
    codes = FilerUnit.objects.filter(code__startswith=f"{org.code}M").values_list("code", flat=True)
    return max((int(c[7:]) for c in codes if FILER_CODE_RE.match(c)), default=0)


def create_filer_unit(creator: User, org_unit: OrgUnit, name: str) -> tuple[FilerUnit, str]:
    """添加填报单位: only L1 units, for an org unit of their subtree. Returns the unit and
    its generated initial password (shown once to the creator, kept encrypted)."""
    org = _org_of(creator)
    if org.level != 1:
        raise FilerUnitError("添加填报单位用户仅限省、国务院部门组织单位操作。")
    if not org_unit.path.startswith(org.path):
        raise FilerUnitError("只能为本组织单位及下级组织单位添加填报单位。")
    name = " ".join(name.split())
    if not name:
        raise FilerUnitError("填报单位名称不能为空。")
    with transaction.atomic():
        if FilerUnit.objects.filter(name=name, status=FilerUnit.Status.ACTIVE).exists():
            raise FilerUnitError(f"填报单位“{name}”已存在，不能重复添加。")
        try:
            serial = next_serial(f"filer:{org_unit.code}", floor=_highest_serial(org_unit), maximum=999)
        except SerialExhausted:
            raise FilerUnitError(f"{org_unit.name}下的填报单位已达999个上限，请联系技术支持。")
        code = f"{org_unit.code}M{serial:03d}"
        password = crypto.generate_password()
        try:
            with transaction.atomic():
                filer = FilerUnit.objects.create(code=code, name=name, org_unit=org_unit)
        except IntegrityError:
            raise FilerUnitError(f"填报单位“{name}”已存在，不能重复添加。")
        # 密码保护机制: the unit above reads the initial password until the filer unit changes it,
        # which it must do at its first login (docs/decisions/0025-initial-passwords-changed-at-first-login.md).
        user = User(username=code, kind=User.Kind.FILER, filer_unit=filer, must_change_password=True,
                    initial_password_encrypted=crypto.encrypt(password))
        user.set_password(password)
        user.save()
        journal.record(filer, "filer_create", creator, after={"code": code, "name": name, "org_unit": org_unit},
                       status=("", filer.get_status_display()), scope_path=org_unit.path)
    return filer, password


def password_shown_to_supervisor(filer_user: User) -> str | None:
    """The initial password while the filer unit has not changed it, else None (已修改, or the key changed)."""
    return crypto.decrypt(filer_user.initial_password_encrypted)


def reveal_initial_password(filer_user: User) -> crypto.Revealed:
    """As password_shown_to_supervisor, telling 已修改 apart from “cannot decrypt: key changed”."""
    return crypto.reveal(filer_user.initial_password_encrypted)


def reset_password(actor: User, filer: FilerUnit) -> str:
    """重置密码: a one-time password, shown once, to be changed at next login. Ends the
    filer unit's sessions (its password hash changes)."""
    if not supervises(actor, filer):
        raise FilerUnitError("只能重置本组织单位管理范围内填报单位的密码。")
    if not filer.is_active:
        raise FilerUnitError("该填报单位已删除。")
    with transaction.atomic():
        _user, password = issue_one_time_password(User.objects.values_list("pk", flat=True).get(filer_unit=filer))
        journal.record(filer, "filer_password_reset", actor, scope_path=filer.org_unit.path, changes=[
            {"field": "password", "label": "密码", "old": "", "new": "已重置（一次性密码，下次登录须修改）"}])
    return password


def may_rename(actor: User, filer: FilerUnit) -> bool:
    """The org unit the filer is attached to, and the L1 unit that created it (SPEC §5)."""
    org = _org_of(actor)
    return filer.org_unit_id == org.pk or (org.level == 1 and supervises(actor, filer))


def rename_filer_unit(actor: User, filer: FilerUnit, new_name: str) -> FilerUnit:
    """修改填报单位全称 (the filer unit cannot do it itself)."""
    if not may_rename(actor, filer):
        raise FilerUnitError("仅填报单位所属的组织单位或省、国务院部门组织单位可以修改填报单位全称。")
    new_name = " ".join(new_name.split())
    if not new_name:
        raise FilerUnitError("填报单位全称不能为空。")
    with transaction.atomic():
        filer = FilerUnit.objects.select_for_update().get(pk=filer.pk)
        if not filer.is_active:
            raise FilerUnitError("该填报单位已删除。")
        if FilerUnit.objects.filter(name=new_name, status=FilerUnit.Status.ACTIVE).exclude(pk=filer.pk).exists():
            raise FilerUnitError(f"填报单位“{new_name}”已存在。")
        old_name = filer.name
        filer.name = new_name
        filer.save(update_fields=["name", "updated_at"])
        journal.record(filer, "filer_rename", actor, before={"name": old_name}, after={"name": new_name},
                       scope_path=filer.org_unit.path)
    return filer


INFO_FIELDS = [
    "head_name", "head_title", "head_mobile", "head_landline",
    "contact_name", "contact_title", "contact_mobile", "contact_landline",
]


def update_filer_info(filer: FilerUnit, data: dict) -> FilerUnit:
    """补填 / 修改填报单位信息 (the SMS check of the contact mobile is done by the caller's form).
    Takes effect at once, no review."""
    with transaction.atomic():
        filer = FilerUnit.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=filer.pk)
        before = {field: getattr(filer, field) for field in INFO_FIELDS}
        for field in INFO_FIELDS:
            setattr(filer, field, data.get(field, "") or "")
        if filer.info_completed_at is None:
            filer.info_completed_at = timezone.now()
        filer.save(update_fields=[*INFO_FIELDS, "info_completed_at", "updated_at"])
        journal.record(filer, "filer_info", before=before, after={field: getattr(filer, field) for field in INFO_FIELDS},
                       scope_path=filer.org_unit.path)
    return filer
