"""Walk every public endpoint (pages, API, feeds, open-data files) over the demo data and find
no private value: contacts, phones, e-mails, reviewers and applicants, passwords, 校验码, 临时码."""
import re

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts_media.models import MediaAccount
from orgtree.models import FilerUnit, OrgUnit
from reviews.models import JournalEntry
from websites.models import Website

PRIVATE_KEYS = re.compile(r'"(?:\w*(?:contact|mobile|phone|landline|email|reviewer|password|verification|tracking|head_|'
                          r'person|request_data|pending_changes|last_review)\w*)"\s*:')


@pytest.fixture
def demo(tree, monkeypatch, settings, tmp_path):
    monkeypatch.setenv("DEMO_PASSWORD", "Demo@2026")
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo")
    call_command("load_demo_media")
    call_command("load_demo_websites")
    Website.objects.filter(site_code__isnull=True, final_approved_at__isnull=False).update(
        site_code="1101089999", verification_encrypted="gAAAAA-not-public-verification")
    call_command("publish_open_data")


def private_values() -> set[str]:
    values = set()
    for row in MediaAccount.objects.values("contact_name", "contact_mobile", "contact_landline", "request_data",
                                           "last_review", "pending_changes"):
        values |= {row["contact_name"], row["contact_mobile"], row["contact_landline"]}
        for blob in (row["request_data"], row["last_review"]):
            values |= {str(v) for k, v in (blob or {}).items() if k.endswith(("name", "phone", "mobile"))}
    for row in FilerUnit.objects.values("head_name", "head_mobile", "head_landline", "contact_name", "contact_mobile",
                                        "contact_landline"):
        values |= set(row.values())
    for row in Website.objects.values("head_name", "head_mobile", "head_email", "head_landline", "contact_name",
                                      "contact_mobile", "contact_landline", "contact_email", "tracking_code",
                                      "verification_encrypted"):
        values |= set(row.values())
    for row in OrgUnit.objects.values("contact_person", "contact_phone", "contact_email"):
        values |= set(row.values())
    values |= set(JournalEntry.objects.values_list("person_name", flat=True))
    values |= set(JournalEntry.objects.values_list("person_phone", flat=True))
    values |= set(User.objects.values_list("password", flat=True))
    values |= {"王审核", "010-62751234", "Demo@2026"}
    return {v for v in values if isinstance(v, str) and len(v) >= 2}


def public_urls(client) -> list[str]:
    from urllib.parse import quote

    urls = ["/verify/", "/open-data/", "/changes/atom/", "/changes/feed.json", "/api/v1/changes", "/api/v1/openapi.json"]
    for account in MediaAccount.objects.all():
        urls += [f"/verify/?q={quote(account.url)}", f"/verify/?q={quote(account.name)}", f"/api/v1/search/accounts?name={quote(account.name)}",
                 f"/api/v1/verify/account?link={quote(account.url)}"]
        if account.media_code:
            urls += [f"/verify/{account.media_code}/", f"/api/v1/accounts/{account.media_code}"]
    for site in Website.objects.all():
        urls += [f"/verify/?kind=website&q={quote(site.homepage)}", f"/verify/?kind=website&q={quote(site.name)}",
                 f"/api/v1/verify/website?address={quote(site.homepage)}", f"/api/v1/search/websites?name={quote(site.name)}"]
        if site.site_code:
            urls += [f"/verify/{site.site_code}/", f"/api/v1/websites/{site.site_code}"]
    html = client.get("/open-data/").content.decode()
    urls += re.findall(r'href="(/open-data/[^"]+)"', html)
    return urls


def test_no_private_field_in_any_public_response(client, demo, settings):
    settings.PUBLIC_CAPTCHA_AFTER = settings.VERIFY_PAGE_LIMIT = settings.VERIFY_API_LIMIT = 100_000
    secrets = private_values()
    public_names = set(MediaAccount.objects.values_list("name", flat=True)) | set(FilerUnit.objects.values_list("name", flat=True))
    secrets = {s for s in secrets if not any(s in name for name in public_names)}
    assert len(secrets) > 20 and "13933334444" in secrets
    urls = public_urls(client)
    assert len(urls) > 100 and any(u.endswith("accounts.csv") for u in urls)
    registered_seen = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        leaked = [s for s in secrets if s in text]
        assert not leaked, (url, leaked)
        if "json" in response.get("Content-Type", "") and not url.endswith(("openapi.json", "schema.json")):
            assert not PRIVATE_KEYS.search(text), (url, PRIVATE_KEYS.search(text).group(0))
            registered_seen += '"media_code"' in text or '"site_code"' in text
    assert registered_seen > 20
