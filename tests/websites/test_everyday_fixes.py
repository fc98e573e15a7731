"""Issue 30's website defects: dates in the wrong order are named as such; the operator sees the
request's kind and dates; 基本信息修改 asks before 提交."""
from datetime import timedelta

from django.utils import timezone

from tests.websites.test_websites import _done_site, offline


def test_dates_in_the_wrong_order_say_so_and_the_operator_sees_the_dates(client, chain, login):
    site = _done_site(chain)
    login(site.operator_user)
    assert 'data-confirm="提交后将由本级组织单位审核' in client.get("/websites/mine/change/").content.decode()
    today = timezone.localdate()
    html = offline(client, kind="temporary", offline_from=(today + timedelta(days=5)).isoformat(),
                   offline_until=(today + timedelta(days=2)).isoformat(), reason="迁移").content.decode()
    assert "恢复开通时间（功能迁移完成时间）须晚于下线日期" in html and "须填写下线日期和恢复开通时间" not in html
    offline(client, kind="temporary", offline_from=today.isoformat(), offline_until=(today + timedelta(days=5)).isoformat(),
            reason="迁移")
    home = client.get("/websites/mine/").content.decode()
    assert f"待审核：临时下线，{today:%Y-%m-%d} 至 {today + timedelta(days=5):%Y-%m-%d}" in home
