"""Proof of control against the local fixture server: the code in an account's 简介 or pinned post,
a website's meta tag, well-known file or DNS TXT record (a stub resolver); expiry and
re-verification with the clock moved; the journal of every change (issue 28, 0058)."""
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from control import services
from control.codes import PATTERN, challenge
from control.models import Method, Proof, State
from reviews.models import JournalEntry
from tests.control.helpers import StubResolver, make_account, make_site


@pytest.fixture
def stub_dns(settings):
    settings.CONTROL_DNS_RESOLVER = "tests.control.helpers.StubResolver"
    StubResolver.records, StubResolver.asked = {}, []
    return StubResolver


def test_a_code_is_issued_per_object_and_link_and_a_new_link_gets_a_new_code(chain, monitoring):
    filer = chain["shangzhuang"].filer_unit
    account = make_account(filer, "上庄发布", monitoring.url("/tt/shangzhuang"), "A1101080001")
    proof = Proof.objects.get(subject_type="media_account", subject_id=account.pk)
    first = services.code(proof)
    assert PATTERN.fullmatch(first) and proof.state == State.UNVERIFIED
    assert first not in str(Proof.objects.filter(pk=proof.pk).values().get())   # never stored
    assert challenge("media_account", account.pk, account.url, "other") != first
    account.url = monitoring.url("/tt/shangzhuang-new")
    account.save()
    proof.refresh_from_db()
    assert proof.link == account.url and services.code(proof) != first
    assert list(JournalEntry.objects.filter(subject_type="control_proof", subject_id=proof.pk)
                .values_list("action", flat=True)) == ["control_code_issued", "control_code_issued"]


def test_a_loaded_account_saved_keeps_its_code_without_a_query_and_a_new_link_gets_a_new_one(chain, monitoring):
    """The link as loaded (govmedia.common.fastload.loaded_value) decides: an ordinary save (an
    approval, a counter) reads no proof; a loaded account saved with a new link gets a new code."""
    from accounts_media.models import MediaAccount
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    account = make_account(chain["shangzhuang"].filer_unit, "上庄发布", monitoring.url("/tt/sz"), "A1101080001")
    proof = Proof.objects.get(subject_type="media_account", subject_id=account.pk)
    first = services.code(proof)
    loaded = MediaAccount.objects.get(pk=account.pk)
    loaded.contact_name = "李四"
    with CaptureQueriesContext(connection) as ctx:
        loaded.save(update_fields=["contact_name"])
    assert not any("control_proof" in q["sql"] for q in ctx.captured_queries)
    proof.refresh_from_db()
    assert services.code(proof) == first
    again = MediaAccount.objects.get(pk=account.pk)
    again.url = monitoring.url("/tt/sz-new")
    again.save()
    proof.refresh_from_db()
    assert proof.link == again.url and services.code(proof) != first


def test_a_bio_with_the_code_verifies_one_without_does_not(chain, monitoring):
    filer = chain["shangzhuang"].filer_unit
    with_code = make_account(filer, "上庄发布", monitoring.url("/tt/with"), "A1101080001")
    without = make_account(filer, "上庄资讯", monitoring.url("/tt/without"), "A1101080002")
    code = services.code(services.proof_for(with_code))
    monitoring.page("/tt/with", f"<html><div class='bio'>上庄镇人民政府官方账号 {code.lower()}</div></html>")
    monitoring.page("/tt/without", "<html><div class='bio'>上庄镇人民政府官方账号 GOV-AAAA-BBBB</div></html>")
    ok = services.verify(services.proof_for(with_code))
    assert ok.found is True
    proof = services.proof_for(with_code)
    assert proof.state == State.VERIFIED and proof.method == Method.BIO and proof.verified_at is not None
    assert proof.expires_at - proof.verified_at == timedelta(days=365)
    entry = JournalEntry.objects.get(subject_type="media_account", subject_id=with_code.pk, action="control_verified")
    assert (entry.status_before, entry.status_after) == ("未验证", "已验证")
    missing = services.verify(services.proof_for(without))
    assert missing.found is False and "未找到验证码" in missing.note
    assert services.proof_for(without).state == State.UNVERIFIED
    assert not JournalEntry.objects.filter(subject_id=without.pk, action="control_verified").exists()


def test_a_pinned_post_read_through_the_platform_reader_verifies(chain, monitoring):
    """新浪微博: the reader's post list (the fixture's /weibo endpoint) carries the pinned post."""
    account = make_account(chain["shangzhuang"].filer_unit, "上庄微博", monitoring.url("/wb/u/123"), "A1101080003",
                           account_type="WB", platform_id="123")
    code = services.code(services.proof_for(account))
    monitoring.page("/weibo/api/container/getIndex", '{"data": {"cards": [{"mblog": {"text": "置顶：%s"}}]}}' % code)
    assert services.verify(services.proof_for(account)).found is True


def test_an_address_the_guard_refuses_is_not_checked_and_changes_nothing(chain, monitoring, settings):
    settings.MONITORING_ALLOWED_NETWORKS = []
    account = make_account(chain["shangzhuang"].filer_unit, "上庄发布", monitoring.url("/tt/x"), "A1101080001")
    code = services.code(services.proof_for(account))
    monitoring.page("/tt/x", code)
    before = monitoring.count
    outcome = services.verify(services.proof_for(account))
    assert outcome.found is None and outcome.note.startswith("未检查")
    assert monitoring.count == before and services.proof_for(account).state == State.UNVERIFIED


def test_an_unreadable_platform_is_marked_for_manual_attestation(chain, monitoring):
    account = make_account(chain["shangzhuang"].filer_unit, "上庄公众号", "https://mp.weixin.qq.com/s?__biz=MzA1", "A1101080004",
                           account_type="WX", wechat_kind="subscription")
    proof = services.proof_for(account)
    assert proof.state == State.MANUAL
    assert services.verify(proof).found is None
    assert services.proof_for(account).state == State.MANUAL


def test_a_website_meta_tag_verifies(tree, monitoring, stub_dns):
    site = make_site(tree["110108"], "海淀区政府", monitoring.url("/portal/"), "1101080001")
    code = services.code(services.proof_for(site))
    monitoring.page("/portal/", f'<html><head><meta content="{code}" name="govmedia-verification"></head></html>')
    assert services.verify(services.proof_for(site)).found is True
    assert services.proof_for(site).method == Method.META


def test_a_website_well_known_file_verifies_and_a_wrong_one_does_not(tree, monitoring, stub_dns):
    site = make_site(tree["110108"], "海淀区政府", monitoring.url("/"), "1101080001")
    code = services.code(services.proof_for(site))
    monitoring.page("/", "<html><head><title>海淀</title></head></html>")
    monitoring.page("/.well-known/govmedia-verification.txt", "GOV-ZZZZ-ZZZZ\n")
    assert services.verify(services.proof_for(site)).found is False
    monitoring.page("/.well-known/govmedia-verification.txt", f"{code}\n")
    assert services.verify(services.proof_for(site)).found is True
    assert services.proof_for(site).method == Method.FILE


def test_a_website_dns_txt_record_verifies_through_the_resolver(tree, monitoring, stub_dns):
    site = make_site(tree["110108"], "海淀区政府", f"http://localhost:{monitoring.http}/", "1101080001")
    code = services.code(services.proof_for(site))
    stub_dns.records = {"localhost": ["v=spf1 -all", f"govmedia-verification={code}"]}
    assert services.verify(services.proof_for(site)).found is True
    proof = services.proof_for(site)
    assert proof.method == Method.DNS and stub_dns.asked == ["localhost"]


def test_expiry_and_re_verification_with_the_clock_moved(chain, monitoring):
    account = make_account(chain["shangzhuang"].filer_unit, "上庄发布", monitoring.url("/tt/yearly"), "A1101080001")
    code = services.code(services.proof_for(account))
    monitoring.page("/tt/yearly", f"简介 {code}")
    start = timezone.now()
    services.run_checks(start)
    proof = services.proof_for(account)
    assert proof.state == State.VERIFIED
    # 11 months on: not due yet, nothing fetched.
    before = monitoring.count
    with time_machine.travel(start + timedelta(days=300), tick=False):
        services.run_checks(timezone.now())
    assert monitoring.count == before
    # Within the renewal window with the code still in place: renewed for another year.
    with time_machine.travel(start + timedelta(days=350), tick=False):
        services.run_checks(timezone.now())
        renewed = services.proof_for(account)
        assert renewed.state == State.VERIFIED and renewed.expires_at > start + timedelta(days=700)
    # The code removed, the year out: 已过期 (and journaled), until it is placed again.
    monitoring.page("/tt/yearly", "简介")
    with time_machine.travel(renewed.expires_at + timedelta(days=1), tick=False):
        services.run_checks(timezone.now())
        assert services.proof_for(account).state == State.EXPIRED
        monitoring.page("/tt/yearly", f"简介 {code}")
        services.run_checks(timezone.now())
        assert services.proof_for(account).state == State.VERIFIED
    actions = list(JournalEntry.objects.filter(subject_type="media_account", subject_id=account.pk)
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["control_verified", "control_reverified", "control_expired",
                       "control_reverified"]


def test_the_scheduled_check_is_off_with_monitoring(chain, monitoring, settings):
    settings.MONITORING_ENABLED = False
    account = make_account(chain["shangzhuang"].filer_unit, "上庄发布", monitoring.url("/tt/off"), "A1101080001")
    before = monitoring.count
    assert "自动监测已关闭" in services.run_checks()
    assert monitoring.count == before and services.proof_for(account).state == State.UNVERIFIED


def test_the_schedule_has_the_daily_entry():
    from jobs.schedule import SCHEDULE

    assert SCHEDULE["control_checks"].func == "control.services.run_checks"
