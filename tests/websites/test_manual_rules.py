"""Website rules of manual 03 and SPEC §10 tried function by function (issue 15)."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from reviews.models import JournalEntry
from tests.websites.test_websites import STEP_ONE, STEP_TWO, _done_site, column_post, offline, page_post
from websites import services
from websites.models import Filing, Website


def _application(chain, n: int, **extra) -> Website:
    return services.apply({**STEP_ONE, **STEP_TWO, "name": f"申请网站{n}", "homepage": f"https://a{n}.bjhd.gov.cn",
                           "sponsor": f"主办单位{n}", "org_unit": chain["haidian"].org_unit, **extra}, AnonymousUser())


def _entry(site, action):
    return JournalEntry.objects.filter(subject_type="website", subject_id=site.pk, action=action).last()


# --- 1. 网站名称 and 首页网址 through 基本信息修改 -------------------------------------------------

def test_name_and_homepage_change_through_the_reviewed_basic_information_change(client, chain, login):
    site = _done_site(chain)
    login(site.operator_user)
    html = client.get("/websites/mine/change/").content.decode()
    assert 'name="name"' in html and 'name="homepage"' in html
    response = client.post("/websites/mine/change/", column_post(name="海淀区政府门户网", homepage="https://www.haidian.gov.cn"))
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.filing, site.name, site.homepage) == (Filing.MODIFYING, "海淀区人民政府网", "https://www.bjhd.gov.cn/")
    assert site.pending_changes["name"] == "海淀区政府门户网" and site.reviewer.code == "110108"
    login(chain["haidian"])
    page = client.get(f"/websites/review/{site.pk}/").content.decode()
    assert "网站名称：</span>海淀区人民政府网 <strong>改为:</strong> 海淀区政府门户网" in page
    client.post(f"/websites/review/{site.pk}/approve_change/", {"version": site.version})
    site.refresh_from_db()
    assert (site.filing, site.name, site.homepage, site.homepage_key) == (
        Filing.DONE, "海淀区政府门户网", "https://www.haidian.gov.cn", "haidian.gov.cn")
    changes = {c["label"]: (c["old"], c["new"]) for c in _entry(site, "approve_change").changes}
    assert changes["网站名称"] == ("海淀区人民政府网", "海淀区政府门户网")
    assert changes["首页网址"] == ("https://www.bjhd.gov.cn/", "https://www.haidian.gov.cn")
    # The old homepage is free again, the new one is taken (the public form's uniqueness).
    assert services.duplicate_of(homepage="http://bjhd.gov.cn") is None
    assert services.duplicate_of(homepage="http://haidian.gov.cn/").pk == site.pk


def test_a_changed_name_or_homepage_stays_unique(client, chain, login):
    site = _done_site(chain)
    other = _application(chain, 1)
    login(site.operator_user)
    html = client.post("/websites/mine/change/", column_post(name="申请网站1")).content.decode()
    assert "网站名称与已有网站“申请网站1”重复，不能修改。" in html
    html = client.post("/websites/mine/change/", column_post(homepage="http://a1.bjhd.gov.cn/")).content.decode()
    assert "首页网址与已有网站“申请网站1”重复，不能修改。" in html
    site.refresh_from_db()
    assert site.filing == Filing.DONE
    # A name another site's waiting change asks for is refused too.
    client.post("/websites/mine/change/", column_post(name="新名称网站"))
    second = _done_site_named(chain, "第二网站", "https://second.gov.cn")
    login(second.operator_user)
    html = client.post("/websites/mine/change/", column_post(name="新名称网站", homepage=second.homepage)).content.decode()
    assert "该网站名称已有其他网站的修改申请正在审核，不能修改。" in html
    # Taken meanwhile (here: by hand): the approval is refused with the reason, the site unchanged.
    Website.objects.filter(pk=other.pk).update(name="新名称网站")
    login(chain["haidian"])
    site.refresh_from_db()
    html = client.post(f"/websites/review/{site.pk}/approve_change/", {"version": site.version}, follow=True).content.decode()
    assert "修改后的网站名称或首页网址已被其他网站使用：请审核退回。" in html
    site.refresh_from_db()
    assert (site.filing, site.name) == (Filing.MODIFYING, "海淀区人民政府网")


def _done_site_named(chain, name, homepage):
    site = services.apply({**STEP_ONE, **STEP_TWO, "name": name, "homepage": homepage,
                           "org_unit": chain["haidian"].org_unit}, AnonymousUser())
    _registered(site)
    return site


def _registered(site):
    """A finally approved site with its code and operator login (the 16:00 job, without the clock)."""
    Website.objects.filter(pk=site.pk).update(filing=Filing.DONE, reviewer=None, final_approved_at=timezone.now())
    services.generate_site_codes(now=timezone.now() + timedelta(days=1))
    site.refresh_from_db()
    return site


# --- 2. 重置校验码 ------------------------------------------------------------------------------

def test_an_org_unit_above_resets_a_lost_verification_code(client, chain, login):
    site = _done_site(chain)
    old_code = services.progress(site.tracking_code)["verification"]
    assert Client().post("/", {"role": "filer", "username": site.site_code, "password": old_code}).status_code == 302
    login(chain["haidian"])
    page = client.get(f"/websites/review/{site.pk}/").content.decode()
    assert "重置校验码" in page and "data-confirm=\"确定重置“海淀区人民政府网”的校验码吗？原校验码将立即失效" in page
    response = client.post(f"/websites/review/{site.pk}/reset-verification/")
    assert response.status_code == 302 and response["Location"] == f"/websites/review/{site.pk}/verification-shown/"
    response = client.get(response["Location"])
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    new_code = response.context["code"]
    assert new_code in response.content.decode() and new_code != old_code
    # A reload shows it was shown, and resets nothing (issue 30: POST-redirect-GET).
    again = client.get(f"/websites/review/{site.pk}/verification-shown/")
    assert again.context["code"] is None and "校验码已显示过" in again.content.decode()
    assert JournalEntry.objects.filter(action="site_verification_reset", subject_id=site.pk).count() == 1
    # The old code stops working; the new one logs in and asks for a password of the operator's own.
    assert Client().post("/", {"role": "filer", "username": site.site_code, "password": old_code}).status_code == 200
    operator = Client()
    assert operator.post("/", {"role": "filer", "username": site.site_code, "password": new_code}).status_code == 302
    assert operator.get("/websites/mine/").url.endswith("/settings/password/")
    entry = _entry(site, "site_verification_reset")
    assert (entry.action_label, entry.actor_unit_code) == ("重置校验码", "110108")
    assert "重置校验码" in client.get(f"/websites/review/{site.pk}/journal/").content.decode()
    # Shown once, here: the 临时码 does not reveal any code any more.
    assert "verification" not in services.progress(site.tracking_code)
    # Only the chain above; a GET changes nothing.
    login(chain["tianjin"])
    assert client.post(f"/websites/review/{site.pk}/reset-verification/").status_code == 404
    login(chain["haidian"])
    assert client.get(f"/websites/review/{site.pk}/reset-verification/").status_code == 405
    login(site.operator_user)
    assert client.post(f"/websites/review/{site.pk}/reset-verification/").status_code == 403


def test_a_code_never_fetched_is_not_revealed_after_a_reset_and_a_site_without_code_has_none(client, chain, login):
    site = _done_site(chain)
    assert site.verification_encrypted
    login(chain["beijing"])  # the chain above, not only the own org unit
    client.post(f"/websites/review/{site.pk}/reset-verification/")
    assert "verification" not in services.progress(site.tracking_code)
    draft = _application(chain, 2)
    html = client.get(f"/websites/review/{draft.pk}/").content.decode()
    assert "重置校验码" not in html
    html = client.post(f"/websites/review/{draft.pk}/reset-verification/", follow=True).content.decode()
    assert "该网站尚未生成网站标识码和校验码" in html


# --- 3. 当页数据全部审核 / 当页数据全部提交 ------------------------------------------------------

def test_page_buttons_act_on_the_rows_of_the_filtered_page_only(client, chain, login):
    sites = [_application(chain, n) for n in range(1, 23)]  # 22 drafts: two pages of 20
    login(chain["haidian"])
    page = client.get("/websites/review/", {"q": "申请网站1"})  # 申请网站1, 10 … 19
    assert len(page.context["submit_ids"]) == 11
    assert "将当页 11 个未提交的网站全部提交审核，确定吗？" in page.content.decode()
    assert "当页数据全部提交（11）" in page.content.decode()
    page_post(client, "submit", {"q": "申请网站1"})
    assert Website.objects.filter(filing=Filing.REVIEWING).count() == 11
    # Page 2 of the whole list (newest first): the two oldest drafts.
    page = client.get("/websites/review/", {"page": 2})
    assert sorted(page.context["submit_ids"]) == sorted(s.pk for s in sites[:2] if s.name not in ("申请网站1",))
    response = page_post(client, "submit", {"page": 2})
    assert response.url == "/websites/review/?page=2"  # back on the same page
    assert Website.objects.filter(filing=Filing.DRAFT).count() == 22 - 11 - 1
    # 当页数据全部审核 on page 1: the new sites waiting here, shown there, and nothing else.
    page = client.get("/websites/review/")
    shown = {r["obj"].pk for r in page.context["rows"]}
    waiting = set(Website.objects.filter(filing=Filing.REVIEWING, pk__in=shown).values_list("pk", flat=True))
    assert set(page.context["approve_ids"]) == waiting
    assert f"将当页 {len(waiting)} 个需审核的新增网站全部审核通过，确定吗？" in page.content.decode()
    page_post(client, "approve")
    assert set(Website.objects.filter(filing=Filing.REVIEWED).values_list("pk", flat=True)) == waiting


def test_page_buttons_say_what_moved_on_meanwhile(client, chain, login):
    site = _application(chain, 1)
    login(chain["haidian"])
    ids = client.get("/websites/review/").context["submit_ids"]
    services.perform(site, "submit", chain["haidian"])  # another tab
    html = client.post("/websites/review/all/submit/", {"ids": ids}, follow=True).content.decode()
    assert "已提交 0 个网站" in html and "另有 1 个网站已被处理或状态已变化，未予处理" in html


# --- 6. 维护其他域名 ----------------------------------------------------------------------------

def test_other_domains_are_their_own_function_effective_at_once_and_journaled(client, chain, login):
    site = _done_site(chain)
    login(site.operator_user)
    assert "维护其他域名" in client.get("/websites/mine/").content.decode()
    assert "other_domains" not in client.get("/websites/mine/change/").content.decode()  # no longer in 基本信息修改
    html = client.post("/websites/mine/domains/", {"domains": "not a domain !", "version": site.version}).content.decode()
    assert "不是正确的域名或网址" in html
    html = client.post("/websites/mine/domains/", {"domains": "https://www.bjhd.gov.cn", "version": site.version}).content.decode()
    assert "是本网站的首页网址" in html
    response = client.post("/websites/mine/domains/", {"domains": "www.hd.gov.cn\nhttps://hd.beijing.gov.cn",
                                                        "version": site.version})
    assert response.status_code == 302
    site.refresh_from_db()
    # Effective at once: no review, the 申报状态 stays 已办结.
    assert (site.other_domains, site.filing, site.pending_changes) == (["www.hd.gov.cn", "https://hd.beijing.gov.cn"],
                                                                        Filing.DONE, {})
    entry = JournalEntry.objects.filter(subject_type="website", subject_id=site.pk).last()
    assert (entry.action_label, entry.changes[0]["old"], entry.changes[0]["new"]) == (
        "维护其他域名", "", "www.hd.gov.cn；https://hd.beijing.gov.cn")
    # Another site may not take a domain this one uses, nor this one's homepage.
    other = services.apply({**STEP_ONE, **STEP_TWO, "name": "另一网站", "homepage": "https://other.gov.cn",
                            "org_unit": chain["haidian"].org_unit}, AnonymousUser())
    other_operator = _registered(other).operator_user
    login(other_operator)
    html = client.post("/websites/mine/domains/", {"domains": "http://hd.gov.cn/", "version": other.version}).content.decode()
    assert "已是网站“海淀区人民政府网”的首页网址或其他域名" in html
    html = client.post("/websites/mine/domains/", {"domains": "bjhd.gov.cn", "version": other.version}).content.decode()
    assert "已是网站“海淀区人民政府网”的首页网址或其他域名" in html
    login(chain["haidian"])
    assert "www.hd.gov.cn；https://hd.beijing.gov.cn" in client.get(f"/websites/review/{site.pk}/").content.decode()


# --- 4. 查看 shows the whole application --------------------------------------------------------

def test_view_shows_the_whole_application(client, chain, login):
    site = _done_site(chain)
    Website.objects.filter(pk=site.pk).update(
        party_gov_mark="党政机关网站标识123", head_landline="010-82781234", head_email="head@bjhd.gov.cn",
        contact_landline="010-82785678", other_domains=["hd.beijing.gov.cn"],
        columns={"概况信息": {"names": "区情概况", "urls": "https://www.bjhd.gov.cn/qq"}})
    login(chain["beijing"])
    html = client.get(f"/websites/review/{site.pk}/").content.decode()
    # phones and e-mail masked for 北京市, further up than the site's own 海淀区 (govmedia/common/masking.py)
    for text in ("京公网安备11010802017805号", "党政机关网站标识123", "王主任", "主任", "138****2222", "010-82781234",
                 "h***@bjhd.gov.cn", "李联系", "科员", "139****4444", "010-82785678", "w***@bjhd.gov.cn",
                 "hd.beijing.gov.cn", "省/部委</dt><dd class=\"col-sm-8\">北京市", "市/垂管省局</dt><dd class=\"col-sm-8\">海淀区",
                 "区情概况", "https://www.bjhd.gov.cn/qq", "政务服务平台"):
        assert text in html, text
    assert html.count("未填写") == 8  # the other 栏目 categories, named and shown empty
    login(chain["haidian"])  # the site's own org unit sees them in full
    html = client.get(f"/websites/review/{site.pk}/").content.decode()
    assert all(text in html for text in ("13811112222", "head@bjhd.gov.cn", "13933334444", "web@bjhd.gov.cn"))


# --- 5. homepages, offline dates and reasons ----------------------------------------------------

@pytest.mark.parametrize("homepage, message", [
    ("ftp://x.gov.cn", "首页网址只能是 http:// 或 https:// 开头的网址（不能是 ftp://）"),
    ("www.x.gov.cn", "首页网址须以 http:// 或 https:// 开头，请填写完整的网址"),
    ("https://not a url", "请输入正确的网址"),
])
def test_a_homepage_must_be_a_full_http_address(chain, homepage, message):
    client = Client()
    client.get("/websites/apply/form/?step=1")
    response = client.post("/websites/apply/form/", {**STEP_ONE, "homepage": homepage})
    assert response.status_code == 200 and message in response.content.decode()
    assert client.post("/websites/apply/form/", {**STEP_ONE, "homepage": "http://x.gov.cn"}).status_code == 302


def test_the_basic_information_change_refuses_a_non_http_homepage(client, chain, login):
    site = _done_site(chain)
    login(site.operator_user)
    html = client.post("/websites/mine/change/", column_post(homepage="ftp://www.bjhd.gov.cn")).content.decode()
    assert "不能是 ftp://" in html
    site.refresh_from_db()
    assert site.filing == Filing.DONE


def test_a_permanent_offline_cannot_be_dated_in_the_past(client, chain, login):
    site = _done_site(chain)
    login(site.operator_user)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert "下线日期不能早于今天" in offline(client, kind="permanent", offline_from=yesterday).content.decode()
    site.refresh_from_db()
    assert site.offline_state == "none"
    assert offline(client, kind="permanent", offline_from=timezone.localdate().isoformat()).status_code == 302


def test_refusing_an_offline_needs_a_reason_the_operator_then_reads(client, chain, login):
    site = _done_site(chain)
    login(site.operator_user)
    offline(client, kind="permanent")
    login(chain["haidian"])
    site.refresh_from_db()
    html = client.get(f"/websites/review/{site.pk}/").content.decode()
    assert 'data-confirm="确定驳回“海淀区人民政府网”的下线申请吗？"' in html
    assert 'name="reason" placeholder="驳回原因" aria-label="驳回原因" data-maxlength="300" required' in html
    html = client.post(f"/websites/review/{site.pk}/offline/reject_offline/", {"version": site.version, "reason": " "},
                       follow=True).content.decode()
    assert "请填写驳回原因" in html
    site.refresh_from_db()
    assert site.offline_state == "pending"
    client.post(f"/websites/review/{site.pk}/offline/reject_offline/", {"version": site.version, "reason": "网站仍在使用"})
    site.refresh_from_db()
    assert site.offline_state == "none"
    assert "网站仍在使用" in client.get(f"/websites/review/{site.pk}/").content.decode()
    login(site.operator_user)
    html = client.get("/websites/mine/").content.decode()
    assert "下线申请已被驳回（海淀区，" in html and "网站仍在使用" in html
    offline(client, kind="permanent")  # a new request: the old refusal is history
    assert "下线申请已被驳回" not in client.get("/websites/mine/").content.decode()


def test_offline_reasons_over_their_limit_are_refused_not_cut_and_the_form_keeps_what_was_typed(client, chain, login):
    site = _done_site(chain)
    login(site.operator_user)
    today = timezone.localdate().isoformat()
    html = offline(client, kind="permanent", offline_from=today, reason="因" * 501).content.decode()
    assert "下线原因不能超过500个字（当前501个字）" in html
    assert "因" * 501 in html and f'value="{today}"' in html and 'value="permanent" id="kind-p" checked' in html
    site.refresh_from_db()
    assert site.offline_state == "none"
    assert offline(client, kind="permanent", offline_from=today, reason="因" * 500).status_code == 302
    login(chain["haidian"])
    site.refresh_from_db()
    html = client.post(f"/websites/review/{site.pk}/offline/reject_offline/", {"version": site.version, "reason": "驳" * 301},
                       follow=True).content.decode()
    assert "原因不能超过300个字（当前301个字）" in html
    site.refresh_from_db()
    assert site.offline_state == "pending"  # refused, not approved with a cut reason
    assert 'aria-label="驳回原因" data-maxlength="300"' in html  # no maxlength: the browser never cuts a paste


def test_returning_a_change_needs_a_reason_and_asks_first(client, chain, login):
    site = _done_site(chain)
    login(site.operator_user)
    client.post("/websites/mine/change/", column_post(sponsor="海淀区政府办"))
    login(chain["haidian"])
    site.refresh_from_db()
    html = client.get(f"/websites/review/{site.pk}/").content.decode()
    assert 'data-confirm="确定办结修改审核退回吗？"' in html and 'aria-label="退回原因" data-maxlength="300" required' in html
    client.post(f"/websites/review/{site.pk}/reject_change/", {"version": site.version, "reason": ""})
    site.refresh_from_db()
    assert site.filing == Filing.MODIFYING
    client.post(f"/websites/review/{site.pk}/reject_change/", {"version": site.version, "reason": "主办单位应写全称"})
    login(site.operator_user)
    assert "修改后审核未通过（主办单位应写全称）" in client.get("/websites/mine/").content.decode()


def test_an_approved_permanent_offline_shows_until_completed(client, chain, login):
    site = _done_site(chain)
    login(site.operator_user)
    offline(client, kind="permanent")
    for reviewer in ("haidian", "beijing"):
        login(chain[reviewer])
        site.refresh_from_db()
        client.post(f"/websites/review/{site.pk}/offline/approve_offline/", {"version": site.version})
    page = client.get("/websites/review/")
    row = page.content.decode().split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "海淀区人民政府网" in row and "正常（已批准下线，待完成下线）" in row
    login(site.operator_user)
    client.post("/websites/mine/offline/complete/", {"version": Website.objects.get(pk=site.pk).version})
    site.refresh_from_db()
    assert site.run_status_label == "永久下线"
