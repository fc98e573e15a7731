"""Proof of control on the pages: the 查看 panel, 立即检查 as a queued job, the manual attestation
through the engine (filer uploads, the own org unit approves or rejects, another unit cannot),
the lists' filter, /verify/ and the API (issue 28)."""
import io

import pytest
from django.urls import reverse

from control import services
from control.models import Attestation, Method, Proof, State
from reviews.models import JournalEntry
from tests.control.helpers import make_account, make_site
from tests.jobs_helpers import run_queued_jobs

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def account(chain, monitoring):
    return make_account(chain["shangzhuang"].filer_unit, "上庄发布", monitoring.url("/tt/panel"), "A1101080001")


def test_the_owner_sees_the_code_checks_now_and_sees_verified(client, login, chain, monitoring, account):
    login(chain["shangzhuang"])
    page = client.get(reverse("media:detail", args=[account.pk])).content.decode()
    code = services.code(services.proof_for(account))
    assert "控制权验证" in page and code in page and "未验证" in page
    monitoring.page("/tt/panel", f"<div>简介：{code}</div>")
    response = client.post(reverse("control:check", args=["media_account", account.pk]))
    assert response.status_code == 302
    run_queued_jobs()
    page = client.get(reverse("media:detail", args=[account.pk])).content.decode()
    assert "已验证" in page and "账号简介或置顶内容" in page


def test_another_unit_never_sees_or_checks_the_proof(client, login, chain, account):
    login(chain["tianjin_filer"])
    assert client.post(reverse("control:check", args=["media_account", account.pk])).status_code == 404
    login(chain["heping"])
    assert client.post(reverse("control:attestation", args=["media_account", account.pk, "approve"])).status_code == 404


def test_manual_attestation_reviewed_by_the_org_unit(client, login, chain, monitoring):
    account = make_account(chain["shangzhuang"].filer_unit, "上庄公众号", "https://mp.weixin.qq.com/s?__biz=MzA1", "A1101080004",
                           account_type="WX", wechat_kind="subscription")
    url = lambda action: reverse("control:attestation", args=["media_account", account.pk, action])  # noqa: E731
    login(chain["shangzhuang"])
    page = client.get(reverse("media:detail", args=[account.pk])).content.decode()
    assert "无法自动验证" in page and "提交人工核验" in page
    # Not an image: refused, nothing stored.
    client.post(url("submit"), {"screenshot": io.BytesIO(b"not an image")})
    assert services.proof_for(account).attestation == Attestation.NONE
    shot = io.BytesIO(PNG)
    shot.name = "bio.png"
    client.post(url("submit"), {"screenshot": shot})
    proof = services.proof_for(account)
    assert proof.attestation == Attestation.PENDING and proof.screenshot.name
    # The filer cannot approve its own; a reviewer elsewhere cannot see it.
    assert client.post(url("approve")).status_code == 302
    assert services.proof_for(account).state == State.MANUAL
    login(chain["heping"])
    assert client.get(reverse("control:screenshot", args=["media_account", account.pk])).status_code == 404
    # The own org unit (海淀区) sees the screenshot, rejects without a reason → refused, then approves.
    login(chain["haidian"])
    assert b"".join(client.get(reverse("control:screenshot", args=["media_account", account.pk])).streaming_content) == PNG
    client.post(url("reject"), {"reason": ""})
    assert services.proof_for(account).attestation == Attestation.PENDING
    client.post(url("approve"))
    proof = services.proof_for(account)
    assert (proof.state, proof.method, proof.attestation) == (State.VERIFIED, Method.MANUAL, Attestation.APPROVED)
    entries = JournalEntry.objects.filter(subject_type="control_proof", subject_id=proof.pk,
                                          action__startswith="attest_").order_by("id")
    assert [(e.action, e.status_before, e.status_after) for e in entries] == [
        ("attest_submit", "未提交", "待审核"), ("attest_approve", "待审核", "已通过")]
    assert entries[1].actor_unit_name == "海淀区"


def test_a_manual_verification_expires_after_a_year(chain, monitoring, account):
    import time_machine
    from datetime import timedelta

    from django.utils import timezone

    proof = services.proof_for(account)
    Proof.objects.filter(pk=proof.pk).update(state=State.VERIFIED, method=Method.MANUAL, attestation=Attestation.APPROVED,
                                             verified_at=timezone.now(), expires_at=timezone.now() + timedelta(days=365))
    with time_machine.travel(timezone.now() + timedelta(days=366), tick=False):
        services.run_checks(timezone.now())
    proof.refresh_from_db()
    assert (proof.state, proof.attestation) == (State.EXPIRED, Attestation.NONE)


def test_the_lists_filter_by_control_state(client, login, chain, monitoring, account):
    other = make_account(chain["shangzhuang"].filer_unit, "上庄资讯", monitoring.url("/tt/other"), "A1101080002")
    Proof.objects.filter(subject_id=account.pk, subject_type="media_account").update(state=State.VERIFIED)
    login(chain["haidian"])
    verified = client.get(reverse("media:list"), {"control": "verified", "status": ""}).content.decode()
    unverified = client.get(reverse("media:list"), {"control": "unverified"}).content.decode()
    assert "上庄发布" in verified and "上庄资讯" not in verified
    assert "上庄资讯" in unverified and "上庄发布" not in unverified and other.pk


def test_the_website_filter(client, login, chain, monitoring, tree):
    site = make_site(tree["110108"], "海淀区政府", monitoring.url("/portal/"), "1101080001")
    Proof.objects.filter(subject_id=site.pk, subject_type="website").update(state=State.VERIFIED)
    make_site(tree["110108"], "海淀区教育网", monitoring.url("/edu/"), "1101080002")
    login(chain["haidian"])
    page = client.get(reverse("websites:review_list"), {"control": "verified", "tab": "all"}).content.decode()
    assert "海淀区政府" in page and "海淀区教育网" not in page


def test_verify_page_and_api_show_the_verified_control(client, chain, monitoring, account):
    code = services.code(services.proof_for(account))
    monitoring.page("/tt/panel", code)
    services.verify(services.proof_for(account))
    page = client.get(f"/verify/{account.media_code}/").content.decode()
    assert "控制权验证" in page and "已验证" in page
    data = client.get(f"/api/v1/accounts/{account.media_code}").json()
    assert data["control_verified"] is True and data["control_status"] == "已验证"
    assert data["control_method"] == "账号简介或置顶内容" and data["control_verified_on"]


def test_review_may_wait_for_the_proof_when_the_setting_says_so(chain, monitoring, settings):
    from accounts_media.workflow import WORKFLOW as MEDIA

    account = make_account(chain["shangzhuang"].filer_unit, "上庄新号", monitoring.url("/tt/new"), None, status="add_pending",
                           reviewer=chain["haidian"].org_unit)
    haidian = chain["haidian"]
    assert MEDIA.can(account, haidian, "approve_add")              # the default: review proceeds unverified
    settings.CONTROL_REVIEW_UNVERIFIED = False
    refusal = MEDIA.refusal(account, haidian, "approve_add")
    assert refusal is not None and refusal.http_status == 409 and "尚未验证控制权" in refusal.message
    monitoring.page("/tt/new", services.code(services.proof_for(account)))
    services.verify(services.proof_for(account))
    assert MEDIA.can(account, haidian, "approve_add")


def test_a_site_operator_sees_its_code_and_checks_another_site_is_out_of_reach(client, login, chain, monitoring, tree,
                                                                                settings):
    from accounts.models import User

    settings.CONTROL_DNS_RESOLVER = "tests.control.helpers.StubResolver"
    operator = User.objects.create_user("1101080001", "x", kind=User.Kind.SITE)
    site = make_site(tree["110108"], "海淀区政府", monitoring.url("/hd/"), "1101080001", operator_user=operator)
    other = make_site(tree["120101"], "和平区政府", monitoring.url("/hp/"), "1201010001")
    login(operator)
    page = client.get(reverse("websites:site_home")).content.decode()
    code = services.code(services.proof_for(site))
    assert code in page and 'name="govmedia-verification"' in page.replace("&quot;", '"')
    assert "/.well-known/govmedia-verification.txt" in page and "门户公布的账号清单" in page
    assert client.post(reverse("control:check", args=["website", other.pk])).status_code == 404
    monitoring.page("/hd/", f'<meta name="govmedia-verification" content="{code}">')
    client.post(reverse("control:check", args=["website", site.pk]))
    run_queued_jobs()
    assert services.proof_for(site).state == State.VERIFIED
    assert JournalEntry.objects.filter(subject_type="website", subject_id=site.pk, action="control_verified",
                                       actor=operator).exists()
