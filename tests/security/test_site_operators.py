"""Issue 19 §8: operators of websites marked 删除 or 永久下线 no longer log in."""
import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.websites.test_websites import _done_site
from websites.models import RunStatus, Website

from .helpers import attempt


@pytest.mark.parametrize("status", [RunStatus.DELETED, RunStatus.PERMANENT_OFFLINE])
def test_operators_of_deleted_or_permanently_offline_sites_are_refused(chain, status):
    site = _done_site(chain)
    user = site.operator_user
    user.set_password("Site@2026ok")
    user.save()
    session = Client()
    assert attempt(session, site.site_code, "Site@2026ok", role="filer").status_code == 302
    assert session.get("/websites/mine/").status_code == 200
    Website.objects.filter(pk=site.pk).update(run_status=status)
    # The open session ends, and a new login is refused with the generic message.
    assert session.get("/websites/mine/").status_code == 302
    response = attempt(Client(), site.site_code, "Site@2026ok", role="filer")
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    # Restored to 正常 by the chain, the operator logs in again.
    Website.objects.filter(pk=site.pk).update(run_status=RunStatus.NORMAL)
    fresh = Client()
    assert attempt(fresh, site.site_code, "Site@2026ok", role="filer").status_code == 302
    assert SESSION_KEY in fresh.session
