"""Initial credentials of org units (issue 19, docs/decisions/0018-credentials-and-admin.md).

Every org unit gets its own random initial password, kept SM4-encrypted (the filer units'
密码保护机制, accounts.crypto) and shown to the unit directly above until the unit changes it;
the unit above can reset it (a one-time password shown once). GB0000 has no unit above: its
first password is printed once by the installation command and can be issued anew by ops staff
(`manage.py reset_org_password GB0000`). Only the demo (SPEC §13) shares one password.
"""
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from django.contrib.auth.hashers import get_hasher, make_password
from django.db import transaction

from orgtree.models import OrgUnit

from . import crypto
from .hashers import PBKDF2SM3PasswordHasher
from .models import User
from .services import issue_one_time_password, password_column


class InitialPasswordHasher(PBKDF2SM3PasswordHasher):
    """PBKDF2 with fewer rounds, for the random initial passwords of thousands of units at once
    (≈ 58 bits each: rounds add little). The stored hash names its rounds, and Django re-hashes
    with the full count at the first successful login (must_update); the unit then changes it."""

    iterations = 5_000  # SM3: the time of the 20,000 SHA-256 rounds before


class OrgCredentialError(Exception):
    """A refused action; the message is shown as it is."""


def _initial_hasher():
    """The fewer-rounds PBKDF2-HMAC-SM3 when it is the configured hasher (production), else it."""
    default = get_hasher("default")
    return InitialPasswordHasher() if default.algorithm == InitialPasswordHasher.algorithm else default


def _new_credential() -> tuple[str, str]:
    password = crypto.generate_password()
    return password, make_password(password, hasher=_initial_hasher())


def _hash_initial(password: str) -> str:
    return make_password(password, hasher=_initial_hasher())


# Hashing is the whole cost of an installation (3,656 org units × PBKDF2): above this many
# passwords it runs in one process per core (forked: settings as they are, no database use).
PARALLEL_HASHING_FROM = 200


def _hash_all(passwords: list[str]) -> list[str]:
    """The initial-password hashes of `passwords`, in order, on every core when there are many."""
    workers = os.cpu_count() or 1
    if len(passwords) < PARALLEL_HASHING_FROM or workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [_hash_initial(p) for p in passwords]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_hash_initial, passwords, chunksize=max(len(passwords) // (workers * 4), 1)))


def create_org_users() -> tuple[int, str | None]:
    """A login for every org unit that has none, each with its own random initial password.
    Returns how many were created and the root unit's (GB's) password if its login was created
    now — printed once by the command, never stored readable."""
    taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
    units = [unit for unit in OrgUnit.objects.order_by("path").only("pk", "code", "level")
             if unit.code.lower() not in taken]
    passwords = [crypto.generate_password() for _ in units]
    new_users, root_password = [], None
    for unit, password, hashed in zip(units, passwords, _hash_all(passwords)):
        user = User(username=unit.code, kind=User.Kind.ORG, org_unit=unit, password=hashed, must_change_password=True)
        if unit.level == 0:
            root_password = password
        else:
            user.initial_password_encrypted = crypto.encrypt(password)
        new_users.append(user)
    with transaction.atomic():
        User.objects.bulk_create(new_users, batch_size=1000)
    return len(new_users), root_password


def create_demo_org_users(password: str) -> int:
    """The demo only (SPEC §13): every org unit shares the demo password."""
    hashed = make_password(password)
    taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
    new_users = [User(username=unit.code, kind=User.Kind.ORG, org_unit=unit, password=hashed)
                 for unit in OrgUnit.objects.order_by("path").only("pk", "code") if unit.code.lower() not in taken]
    User.objects.bulk_create(new_users, batch_size=1000)
    return len(new_users)


def supervised_org_users(actor: User):
    """The logins of the org units directly below the actor's unit."""
    if actor.kind != User.Kind.ORG or actor.org_unit_id is None:
        return User.objects.none()
    return (User.objects.filter(kind=User.Kind.ORG, org_unit__parent=actor.org_unit_id)
            .select_related("org_unit").order_by("org_unit__code"))


def password_state(user: User) -> tuple[str | None, str]:
    """(initial password or None, the 密码 column's text) as the unit above sees it."""
    shown = crypto.reveal(user.initial_password_encrypted).plain
    return shown, password_column(user, shown)


def reset_org_password(actor: User | None, target: User) -> str:
    """重置密码: a one-time password, shown once, to be changed at next login; ends the
    target's sessions. `actor` is the org user directly above, or None for ops staff (the
    command, the only way for GB0000)."""
    if target.kind != User.Kind.ORG:
        raise OrgCredentialError("只能重置组织单位用户的密码。")
    if actor is not None and not supervised_org_users(actor).filter(pk=target.pk).exists():
        raise OrgCredentialError("只能重置直属下级组织单位的密码。")
    with transaction.atomic():
        _user, password = issue_one_time_password(target.pk)
    return password
