"""Builders shared by the proof-of-control tests."""
from accounts_media.models import MediaAccount
from tests.factories import make_website


def make_account(filer_unit, name, url, code, account_type="TT", **extra):
    return MediaAccount.objects.create(
        filer_unit=filer_unit, org_path=filer_unit.org_unit.path, media_code=code, account_type=account_type, url=url,
        platform_id=extra.pop("platform_id", f"token:{code}"), name=name, operator=filer_unit.name,
        represents_government=False, status=extra.pop("status", "normal"), func_publish=True, **extra)


def make_site(org, name, homepage, code, **extra):
    return make_website(org, name, homepage=homepage, homepage_key=homepage, site_code=code, filing="done",
                        tracking_code=f"T{code}", **extra)


class StubResolver:
    """CONTROL_DNS_RESOLVER in the tests: the TXT records a test sets, no DNS query."""

    records: dict[str, list[str]] = {}
    asked: list[str] = []

    def txt(self, name):
        StubResolver.asked.append(name)
        return list(StubResolver.records.get(name, []))
