"""网站标识码 issuance on the review engine: a declared table of one transition, run by the 16:00
job (the system actor), which gives a finally approved site its code and creates the website's
login in the same transaction, with the version check and the journal row of every transition."""
import secrets

from django.contrib.auth.hashers import make_password

from accounts import crypto
from accounts.models import User
from orgtree.codes import next_serial
from reviews.engine import Context, Guard, Transition, Workflow, is_system

from .models import Filing, Website

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
NO_CODE_YET = Guard(lambda obj, s: not obj.site_code, "该网站已生成网站标识码。")


def issue_code(obj: Website, ctx: Context) -> None:
    """A site code `<org code><4 digits>`, never reused, and a verification code (hashed for the
    login, encrypted until shown once): the website's login is created with them."""
    org = obj.org_unit
    existing = list(Website.objects.filter(site_code__startswith=org.code).values_list("site_code", flat=True))
    existing += User.objects.filter(username__startswith=org.code, kind=User.Kind.SITE).values_list("username", flat=True)
    floor = max((int(c[6:]) for c in existing if c and len(c) == 10 and c[6:].isdigit()), default=0)
    obj.site_code = f"{org.code}{next_serial(f'site:{org.code}', floor=floor, maximum=9999):04d}"
    verification = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    obj.verification_encrypted = crypto.encrypt(verification)
    user = User(username=obj.site_code, kind=User.Kind.SITE, password=make_password(verification))
    user.save()
    obj.operator_user = user
    ctx.result = "已生成网站标识码"
    ctx.changes = [{"field": "site_code", "label": "网站标识码", "old": "", "new": obj.site_code},
                   {"field": "operator_user", "label": "网站登录账号", "old": "", "new": f"{user.username}（已创建）"}]


def unit_of(user) -> tuple[str, str]:
    return "system", "系统"


# The 申报状态 stays 已办结: the transition moves the code, not the filing.
SITE_CODE_WORKFLOW = Workflow(
    model=Website, subject_type="website", status_attr="filing", status_labels=dict(Filing.choices), unit_of=unit_of,
    transitions=[Transition("site_code_issue", "生成网站标识码", frozenset({Filing.DONE}), Filing.DONE, is_system,
                            (issue_code,), guards=(NO_CODE_YET,), stale="该网站尚未办结。")],
)

__all__ = ["SITE_CODE_WORKFLOW", "TRACKING_ALPHABET"]
