"""消息中心 (issue 30): one message per kind and day per recipient for the digest kinds, delivery
details only when something failed, filters by 类型 / 日期 / 状态, and the list on lists.py."""
import pytest
import time_machine
from django.core import mail

from notifications.models import Delivery, Notification
from notifications.services import Message, send
from tests.accounts_media.conftest import submit
from tests.jobs_helpers import run_queued_jobs


@pytest.fixture
def contacts(tree):
    tree["110108"].contact_phone, tree["110108"].contact_email = "13700001111", "gk@haidian.gov.cn"
    tree["110108"].save()
    return tree


def test_submissions_of_one_day_are_one_message_sent_once(chain, contacts):
    mail.outbox.clear()
    with time_machine.travel("2026-12-07 09:00 +0800", tick=False):
        for n in range(3):
            submit(chain["shangzhuang"], name=f"上庄发布{n}", platform_id=f"MzA5MDk1MjI5M{n}==",
                   url=f"https://mp.weixin.qq.com/s/abc{n}")
        [digest] = Notification.objects.filter(user=chain["haidian"], kind="review_waiting")
        assert digest.count == 3 and digest.title == "待审核申请：今日共 3 条"
        assert digest.body.split("\n")[0].startswith("待审核：新媒体账号“上庄发布2”")  # newest first
        assert digest.read_at is None and digest.email_state == Delivery.PENDING
        run_queued_jobs()
        assert len(mail.outbox) == 1  # the first of the day went; the next two only updated it
    with time_machine.travel("2026-12-08 09:00 +0800", tick=False):
        submit(chain["shangzhuang"], name="次日的账号", platform_id="MzA5MDk1MjI5OQ==", url="https://mp.weixin.qq.com/s/x")
        assert Notification.objects.filter(user=chain["haidian"], kind="review_waiting").count() == 2


def test_a_digest_read_becomes_unread_when_more_arrive(chain, settings):
    send([Message(chain["haidian"], "review_waiting", "待审核 A", link="/media/")])
    row = Notification.objects.get(user=chain["haidian"])
    row.read_at = row.created_at
    row.save()
    send([Message(chain["haidian"], "review_waiting", "待审核 B", link="/media/?tab=pending")])
    row.refresh_from_db()
    assert (row.count, row.read_at, row.link) == (2, None, "/media/?tab=pending")
    assert row.body.split("\n") == ["待审核 B", "待审核 A"]
    settings.NOTIFY_DIGEST_KINDS = ()  # configurable: off, one message each
    send([Message(chain["haidian"], "review_waiting", "待审核 C")])
    assert Notification.objects.filter(user=chain["haidian"]).count() == 2


def test_the_centre_filters_and_shows_delivery_only_when_it_failed(client, chain, login):
    send([Message(chain["haidian"], "notice", "收到通知：甲"), Message(chain["haidian"], "deadline", "截止日期临近：乙")])
    Notification.objects.filter(title="收到通知：甲").update(email_state=Delivery.FAILED)
    Notification.objects.filter(title="截止日期临近：乙").update(email_state=Delivery.NO_ADDRESS, sms_state=Delivery.SENT)
    login(chain["haidian"])
    page = client.get("/notifications/")
    html = page.content.decode()
    assert page.context["spec"].name == "notifications"  # the shared list machinery
    assert "电子邮件发送失败" in html and "无联系方式" not in html and "短信：" not in html
    assert "没有可用的联系方式" in html  # said once, at the top (110108 has no e-mail here)
    only = client.get("/notifications/", {"kind": "deadline"}).content.decode()
    assert "截止日期临近：乙" in only and "收到通知：甲" not in only
    client.post("/notifications/read/", {"ids": [Notification.objects.get(title="收到通知：甲").pk]})
    unread = client.get("/notifications/", {"read": "unread"}).content.decode()
    assert "截止日期临近：乙" in unread and "收到通知：甲" not in unread
    assert "收到通知：甲" in client.get("/notifications/", {"read": "read"}).content.decode()
    assert "暂无数据" in client.get("/notifications/", {"date_from": "2000-01-01", "date_to": "2000-01-02"}).content.decode()
