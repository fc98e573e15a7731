"""The bugs of issue #14 item 5, each through the pages as a user meets it."""
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from reviews.models import JournalEntry
from tests.websites.test_websites import STEP_ONE, STEP_TWO, _done_site
from websites import services
from websites.models import Filing, RunStatus, Website


def _version(html: str, transition: str) -> str:
    form = re.search(rf'<form[^>]*data-transition="{transition}".*?</form>', html, re.S).group(0)
    return re.search(r'name="version" value="(\d+)"', form).group(1)


def test_restore_is_neither_offered_nor_accepted_on_a_normal_site(client, chain, login):
    site = _done_site(chain)
    login(chain["beijing"])
    page = client.get(f"/websites/review/{site.pk}/").content.decode()
    assert "恢复正常" not in page and 'data-transition="emergency_offline"' in page
    html = client.post(f"/websites/review/{site.pk}/offline/restore_site/", follow=True).content.decode()
    assert "该网站运行状态为正常，无需恢复" in html
    assert not JournalEntry.objects.filter(subject_id=site.pk, action="restore_site").exists()


def test_emergency_only_on_an_approved_normal_site_and_a_second_one_is_told_why(client, chain, login):
    until = (timezone.localdate() + timedelta(days=3)).isoformat()
    application = services.apply({**STEP_ONE, **STEP_TWO, "org_unit": chain["haidian"].org_unit}, AnonymousUser())
    login(chain["haidian"])
    assert 'data-transition="emergency_offline"' not in client.get(f"/websites/review/{application.pk}/").content.decode()
    html = client.post(f"/websites/review/{application.pk}/offline/emergency_offline/", {"offline_until": until},
                       follow=True).content.decode()
    assert "只能对已办结的网站紧急下线" in html
    application.refresh_from_db()
    assert application.run_status == RunStatus.NORMAL and application.offline_until is None
    client.post(f"/websites/review/{application.pk}/reject/", {"reason": "冒名"})

    site = _done_site(chain)
    page = client.get(f"/websites/review/{site.pk}/").content.decode()
    version = _version(page, "emergency_offline")
    client.post(f"/websites/review/{site.pk}/offline/emergency_offline/", {"offline_until": until, "version": version})
    site.refresh_from_db()
    assert site.run_status == RunStatus.EMERGENCY_OFFLINE
    page = client.get(f"/websites/review/{site.pk}/").content.decode()
    assert 'data-transition="emergency_offline"' not in page and 'data-transition="restore_site"' in page
    # The same button again from the stale tab: the state moved on, said so — never "no permission".
    html = client.post(f"/websites/review/{site.pk}/offline/emergency_offline/", {"offline_until": until, "version": version},
                       follow=True).content.decode()
    assert "该申请已被处理" in html and "您没有权限" not in html
    html = client.post(f"/websites/review/{site.pk}/offline/emergency_offline/", {"offline_until": until},
                       follow=True).content.decode()
    assert "运行状态已不是“正常”" in html


def test_a_closed_site_asks_for_nothing(client, chain, login):
    site = _done_site(chain)
    Website.objects.filter(pk=site.pk).update(run_status=RunStatus.PERMANENT_OFFLINE)
    site.refresh_from_db()
    # Its operator no longer gets in (issue 19), so the pages offer nothing …
    login(site.operator_user)
    assert client.get("/websites/mine/").status_code == 302
    # … and the rule itself refuses every change, whoever calls it.
    from websites.buttons import FLAG_TRANSITIONS
    from reviews.engine import TransitionError

    for which in ("service_on", "portal_on"):
        with pytest.raises(TransitionError, match="永久下线的网站不能再申请变更"):
            services.perform(site, FLAG_TRANSITIONS[which], site.operator_user, {})
    site.refresh_from_db()
    assert (site.filing, site.is_service_platform, site.pending_changes) == (Filing.DONE, False, {})


def test_two_portal_requests_of_one_org_unit_cannot_both_wait(client, chain, login):
    first = _done_site(chain)
    second = Website.objects.get(pk=first.pk)
    # A second approved site of 海淀区, with its own operator.
    from tests.factories import make_user
    from accounts.models import User

    other = Website.objects.create(**{f.attname: getattr(first, f.attname) for f in Website._meta.concrete_fields
                                      if f.attname not in ("id", "name", "homepage_key", "tracking_code", "site_code",
                                                           "operator_user_id", "created_at", "updated_at")},
                                   name="海淀区教育网", homepage_key="edu.bjhd.gov.cn", tracking_code="EDU000000001",
                                   site_code="1101080009", operator_user=make_user("1101080009", User.Kind.SITE))
    login(second.operator_user)
    client.post("/websites/mine/flag/portal_on/")
    login(other.operator_user)
    assert "申请门户网站" not in client.get("/websites/mine/").content.decode()
    html = client.post("/websites/mine/flag/portal_on/", follow=True).content.decode()
    assert "一个组织单位只能有一个门户网站" in html
    other.refresh_from_db()
    assert other.filing == Filing.DONE and other.pending_changes == {}


def test_a_second_review_click_in_a_stale_tab_is_told_it_was_handled(client, chain, login):
    site = _done_site(chain)
    login(site.operator_user)
    client.post("/websites/mine/offline/", {"kind": "permanent", "reason": "并入平台"})
    login(chain["haidian"])
    page = client.get(f"/websites/review/{site.pk}/").content.decode()
    version = _version(page, "approve_offline")
    client.post(f"/websites/review/{site.pk}/offline/approve_offline/", {"version": version})
    site.refresh_from_db()
    assert site.offline_reviewer.code == "110000"  # climbed to 北京市
    html = client.post(f"/websites/review/{site.pk}/offline/approve_offline/", {"version": version}, follow=True).content.decode()
    assert "该申请已被处理" in html and "您没有权限" not in html
    # Without the version (an old bookmark): the state's own message, still not "no permission".
    html = client.post(f"/websites/review/{site.pk}/offline/approve_offline/", follow=True).content.decode()
    assert "该下线申请已被处理或不在本单位审核" in html and "您没有权限" not in html
