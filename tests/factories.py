"""Small, explicit builders of test data on the real codes of the manual."""
from django.utils import timezone

from accounts.models import User
from orgtree.models import FilerUnit, OrgUnit
from orgtree.services import create_org_unit

PASSWORD = "Demo@2026"

# code, name, parent code, kind — a slice of the real tree: two provinces side by side,
# a municipality's districts, a province's city and county, a ministry with a branch.
SMALL_TREE = [
    ("GB0000", "国务院办公厅", None, OrgUnit.Kind.NATIONAL),
    ("110000", "北京市", "GB0000", OrgUnit.Kind.REGION),
    ("110108", "海淀区", "110000", OrgUnit.Kind.REGION),
    ("110105", "朝阳区", "110000", OrgUnit.Kind.REGION),
    ("120000", "天津市", "GB0000", OrgUnit.Kind.REGION),
    ("120101", "和平区", "120000", OrgUnit.Kind.REGION),
    ("130000", "河北省", "GB0000", OrgUnit.Kind.REGION),
    ("130100", "石家庄市", "130000", OrgUnit.Kind.REGION),
    ("130102", "长安区", "130100", OrgUnit.Kind.REGION),
    ("bm2900", "国家税务总局", "GB0000", OrgUnit.Kind.MINISTRY),
    ("bm2904", "山西省税务局", "bm2900", OrgUnit.Kind.MINISTRY),
    ("bm3400", "应急管理部", "GB0000", OrgUnit.Kind.MINISTRY),
]


def make_small_tree() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, parent, kind in SMALL_TREE:
        units[code] = create_org_unit(code, name, units.get(parent), kind)
    return units


def make_org_user(unit: OrgUnit, password: str = PASSWORD, **extra) -> User:
    return User.objects.create_user(unit.code, password, kind=User.Kind.ORG, org_unit=unit, **extra)


def make_user(username: str, kind: str, password: str = PASSWORD, **extra) -> User:
    return User.objects.create_user(username, password, kind=kind, **extra)


def make_filer(org: OrgUnit, name: str, serial: int = 1, password: str = PASSWORD, complete: bool = True, **fields) -> FilerUnit:
    """A filer unit with its login; `complete` fills in the unit info (no first-login step)."""
    info = dict(
        head_name="张伟", head_title="主任", head_mobile="13800000001", head_landline="010-62345678",
        contact_name="李娜", contact_title="科员", contact_mobile="13900000002", contact_landline="",
        info_completed_at=timezone.now(),
    ) if complete else {}
    info.update(fields)
    filer = FilerUnit.objects.create(code=f"{org.code}M{serial:03d}", name=name, org_unit=org, **info)
    User.objects.create_user(filer.code, password, kind=User.Kind.FILER, filer_unit=filer)
    return filer


def make_website(org: OrgUnit, name: str, **fields):
    """A website row of `org` in any state (`filing`, `reviewer`, `offline_state` … as given)."""
    from websites.models import Website

    values = dict(homepage=f"https://{name}.gov.cn/", homepage_key=f"{name}.gov.cn", org_unit=org, org_path=org.path,
                  sponsor=f"{org.name}人民政府办公室", operator_unit=f"{org.name}政务服务管理局", icp_number="冀ICP备00000001号",
                  head_name="王主任", head_title="主任", head_mobile="13811112222", contact_name="李联系",
                  contact_title="科员", contact_mobile="13933334444", contact_email="web@example.gov.cn",
                  tracking_code=f"T{name}"[:16])
    values.update(fields)
    return Website.objects.create(name=name, **values)


def solve_captcha(client, url: str, data: dict) -> dict:
    """`data` plus the answer to the 验证码 the page at `url` shows now, if it shows one."""
    import re

    from captcha.models import CaptchaStore

    html = client.get(url).content.decode()
    found = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html) or re.search(r'value="([0-9a-f]+)"[^>]*name="captcha_0"', html)
    if not found:
        return data
    return {**data, "captcha_0": found.group(1), "captcha_1": CaptchaStore.objects.get(hashkey=found.group(1)).response}


def verify_otp(client, user):
    """Mark the client's session as verified by a TOTP device of `user` (the ops admin's second
    factor), as django_otp.login does after a correct code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(user=user, name="测试", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_token(device) -> str:
    """The current six-digit code of a TOTP device (what the ops user's authenticator app shows)."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"
