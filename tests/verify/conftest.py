import pytest

from accounts_media import services as media_services
from accounts_media.platforms import extract_platform_id
from tests.accounts_media.conftest import REVIEW_OK, normal_account

CLOSE = {"applicant_name": "李申请", "applicant_phone": "13800001111", "close_reason": "已完成注销/下线",
         "cancel_date": "2026-10-31", "detail": "账号已在平台完成注销。"}


def registered(chain, name, type_code, url, filer="commerce", **extra):
    """A registered (正常) account made through the review chain, with the platform id of `url`."""
    kind = "subscription" if type_code == "WX" else ""
    pname = "支付宝" if type_code in ("XC", "QT") else ""
    return normal_account(chain, filer=filer, name=name, account_type=type_code, wechat_kind=kind,
                          platform_name=pname, url=url, platform_id=extract_platform_id(type_code, url), **extra)


def close(account, chain):
    """关停, approved by the filer's own org unit."""
    filer = next(u for u in chain.values() if getattr(u, "filer_unit_id", None) == account.filer_unit_id)
    account = media_services.perform(account, "request_close", filer, CLOSE)
    reviewer = next(u for u in chain.values() if getattr(u, "org_unit_id", None) == account.reviewer_id)
    return media_services.perform(account, "approve_close", reviewer, REVIEW_OK)


@pytest.fixture
def pingan(chain):
    """平安北京 (the police's Douyin) and names around it: an imitation-looking closed one, a second real one."""
    real = registered(chain, "平安北京", "DY",
                      "https://www.douyin.com/user/MS4wLjABAAAAnzRLpvV9w2jXzWhHSsG5D4SoqfYazU1-fvgm4joaHXQ")
    traffic = registered(chain, "平安北京交警", "WB", "https://weibo.com/u/2265830070")
    closed = close(registered(chain, "平安北京朝阳", "WB", "https://weibo.com/u/1669879400"), chain)
    return {"real": real, "traffic": traffic, "closed": closed}


@pytest.fixture
def sites(chain):
    """Registered websites (as the 16:00 job leaves them), one permanently offline, one only applied for."""
    from django.utils import timezone

    from websites.models import Filing, RunStatus, Website

    base = {"sponsor": "北京市海淀区人民政府办公室", "operator_unit": "北京市海淀区政务服务管理局", "icp_number": "京ICP备05013424号",
            "head_name": "王主任", "head_title": "主任", "head_mobile": "13811112222", "head_email": "head@bjhd.gov.cn",
            "contact_name": "李联系", "contact_title": "科员", "contact_mobile": "13933334444",
            "contact_email": "web@bjhd.gov.cn", "org_unit": chain["haidian"].org_unit, "org_path": "/GB0000/110000/110108/"}
    made = {}
    for i, (name, home, code, run, extra) in enumerate([
        ("海淀区人民政府网", "https://www.bjhd.gov.cn", "1101080001", RunStatus.NORMAL, {"other_domains": ["zwfw.bjhd.gov.cn"]}),
        ("海淀区人民政府教育网", "https://edu.bjhd.gov.cn", "1101080002", RunStatus.NORMAL, {}),
        ("海淀区档案馆网站", "https://daj.bjhd.gov.cn", "1101080003", RunStatus.PERMANENT_OFFLINE, {}),
        ("海淀区人民政府申请中网站", "https://new.bjhd.gov.cn", None, RunStatus.NORMAL, {}),
    ]):
        from websites.services import normalise_homepage

        made[name] = Website.objects.create(
            name=name, homepage=home, homepage_key=normalise_homepage(home), site_code=code, run_status=run,
            filing=Filing.DONE if code else Filing.REVIEWING, tracking_code=f"TRACK{i}ABCDEFG",
            final_approved_at=timezone.now() if code else None, verification_encrypted="secret-verification-blob",
            **base, **extra)
    return made


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    """Most tests ask many times from one address; the limit test sets its own numbers."""
    settings.PUBLIC_CAPTCHA_AFTER = 10_000
    settings.VERIFY_PAGE_LIMIT = 10_000
    settings.VERIFY_API_LIMIT = 100_000


def day_on_disk(tmp_path, day):
    """The open-data files of `day` as a folder (copied out of the database storage when that is
    where they live), for tools that read files: frictionless."""
    from django.core.files.storage import default_storage

    folder = tmp_path / "opendata-copy" / str(day)
    folder.mkdir(parents=True, exist_ok=True)
    _, names = default_storage.listdir(f"opendata/{day}")
    for name in names:
        with default_storage.open(f"opendata/{day}/{name}", "rb") as fh:
            (folder / name).write_bytes(fh.read())
    return folder
