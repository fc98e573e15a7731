"""Notifications: where they come from (the engine's transitions, a notice, the reminders), the
users' choices (站内 / 短信 / 电子邮件), delivery as a job, and the 消息中心 page."""
import re

import pytest
from django.core import mail

from accounts import sms
from notifications.kinds import KINDS
from notifications.models import Delivery, Notification
from notifications.services import Message, send
from reviews.models import JournalEntry
from tests.accounts_media.conftest import approve, reject, submit
from tests.jobs_helpers import run_queued_jobs


@pytest.fixture(autouse=True)
def _outboxes():
    sms.outbox.clear()
    mail.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def contacts(tree):
    tree["110108"].contact_phone, tree["110108"].contact_email = "13700001111", "gk@haidian.gov.cn"
    tree["110108"].save()
    tree["110000"].contact_phone, tree["110000"].contact_email = "010-12345678", "gk@beijing.gov.cn"
    tree["110000"].save()
    return tree


def notes(user, kind=None):
    qs = Notification.objects.filter(user=user)
    return list(qs.filter(kind=kind) if kind else qs)


def test_a_request_waiting_for_you_then_your_request_rejected_with_the_reason(chain, contacts):
    account = submit(chain["shangzhuang"], name="上庄发布")
    [waiting] = notes(chain["haidian"], "review_waiting")
    assert "上庄发布" in waiting.title and waiting.link == f"/media/{account.pk}/review/"
    assert waiting.email_state == Delivery.PENDING and waiting.sms_state == Delivery.NONE  # defaults: 站内 + 邮件
    assert notes(chain["beijing"]) == [] and notes(chain["chaoyang"]) == []  # only the unit it waits at
    run_queued_jobs()
    assert [m.to for m in mail.outbox] == [["gk@haidian.gov.cn"]] and "上庄发布" in mail.outbox[0].subject
    waiting.refresh_from_db()
    assert waiting.email_state == Delivery.SENT and waiting.email_attempts == 1 and waiting.email_claimed_at
    assert sms.outbox == []

    account = approve(account, chain["haidian"])  # up to 北京市: its logins are told
    [waiting] = notes(chain["beijing"], "review_waiting")
    assert waiting.email_to == "gk@beijing.gov.cn"
    assert waiting.title == "待审核：新媒体账号“上庄发布”（添加待审核，下级单位已审核通过）"  # what waits, not "审核通过"

    reject(account, chain["beijing"], reason="名称不规范")
    [rejected] = notes(chain["shangzhuang"], "review_rejected")
    assert "名称不规范" in rejected.body and rejected.link == f"/media/{account.pk}/rejection/"
    assert rejected.sms_to == "13900000002" and rejected.sms_state == Delivery.PENDING  # the filer's 联系人
    run_queued_jobs()
    assert [m.mobile for m in sms.outbox] == ["13900000002"] and "驳回原因：名称不规范" in sms.outbox[0].message
    rejected.refresh_from_db()
    assert rejected.sms_state == Delivery.SENT
    run_queued_jobs()  # nothing is sent twice
    assert len(sms.outbox) == 1


def test_a_user_who_turned_sms_off_gets_no_sms_and_the_change_is_journaled(client, chain, login, contacts):
    filer = chain["shangzhuang"]
    login(filer)
    page = client.get("/notifications/settings/").content.decode()
    assert 'name="kind_review_rejected" value="sms"' in page and "13900000002" in page
    response = client.post("/notifications/settings/", {
        "kind_review_rejected": ["site", "email"], **{f"kind_{k}": sorted(KINDS[k].default) for k in KINDS
                                                      if k != "review_rejected"}})
    assert response.status_code == 302
    entry = JournalEntry.objects.get(action="notification_preferences")
    assert entry.actor == filer and entry.changes == [
        {"field": "review_rejected", "label": "申请被驳回", "old": "站内消息、短信、电子邮件", "new": "站内消息、电子邮件"}]
    account = approve(submit(filer), chain["haidian"])
    reject(account, chain["beijing"], reason="重复账号")
    run_queued_jobs()
    [rejected] = notes(filer, "review_rejected")
    assert rejected.sms_state == Delivery.NONE and sms.outbox == []  # no SMS …
    assert rejected.shown  # … but still in 消息中心

    client.post("/notifications/settings/", {})  # everything off
    reject(approve(submit(filer, name="上庄二号", url="https://weibo.com/u/1", account_type="WB", wechat_kind=""),
                   chain["haidian"]), chain["beijing"])
    assert len(notes(filer, "review_rejected")) == 1  # no new row at all
    assert JournalEntry.objects.filter(action="notification_preferences").count() == 2


def test_the_centre_lists_marks_read_and_the_header_counts_unread_for_the_user_only(client, chain, login, settings):
    settings.NOTIFY_DIGEST_KINDS = ()  # one message each (digests: tests/notifications/test_digests.py)
    for n in range(3):
        send([Message(chain["haidian"], "review_waiting", f"待审核 {n}", link="/media/")])
    send([Message(chain["chaoyang"], "review_waiting", "朝阳区的消息")])
    mine = notes(chain["haidian"])
    login(chain["haidian"])
    page = client.get("/media/").content.decode()
    header = re.search(r'data-testid="unread-count"[^>]*>(.*?)</a>', page, re.S).group(1)
    assert '<span class="badge rounded-pill text-bg-danger">3</span>' in header
    centre = client.get("/notifications/").content.decode()
    assert "待审核 2" in centre and "朝阳区的消息" not in centre and "未读 3 条" in centre
    foreign = notes(chain["chaoyang"])[0]
    client.post("/notifications/read/", {"ids": [mine[0].pk, foreign.pk]})
    foreign.refresh_from_db()
    assert foreign.read_at is None  # another user's id is ignored
    assert "未读 2 条" in client.get("/notifications/").content.decode()
    assert client.post(f"/notifications/{foreign.pk}/open/").status_code == 404
    response = client.post(f"/notifications/{mine[1].pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/media/"
    client.post("/notifications/read-all/")
    assert Notification.objects.filter(user=chain["haidian"], read_at__isnull=True).count() == 0
    header = re.search(r'data-testid="unread-count"[^>]*>(.*?)</a>', client.get("/media/").content.decode(), re.S).group(1)
    assert "badge" not in header
    assert client.get("/notifications/read-all/").status_code == 405  # state changes only on POST


def test_a_notice_received_reaches_the_chosen_units_logins(chain, tree):
    from reports.models import Notice
    from reports.services import save_notice
    from reports.workflow import send_notice

    notice = save_notice(Notice(), chain["gb"], title="关于核查账号的通知", menu_label="", body="请核查",
                         audience=Notice.Audience.CHOSEN, recipients=[tree["110000"]])
    send_notice(notice, chain["gb"])
    [received] = notes(chain["beijing"], "notice")
    assert received.title == "收到通知：关于核查账号的通知" and received.link == f"/notices/{notice.pk}/"
    assert "国务院办公厅下发通知" in received.body
    assert notes(chain["tianjin"]) == []


def test_a_county_notice_reaches_its_filer_units_logins_and_no_one_else(chain):
    from reports.models import Notice
    from reports.services import save_notice
    from reports.workflow import send_notice

    notice = save_notice(Notice(), chain["haidian"], title="关于开展自查的通知", menu_label="", body="请自查",
                         audience=Notice.Audience.FILERS)
    send_notice(notice, chain["haidian"])
    [received] = notes(chain["shangzhuang"], "notice")
    assert received.title == "收到通知：关于开展自查的通知" and received.body.startswith("海淀区下发通知")
    assert len(notes(chain["yanyuan"], "notice")) == 1
    assert notes(chain["commerce"]) == [] and notes(chain["tianjin_filer"]) == [] and notes(chain["beijing"]) == []


def test_kinds_come_from_the_registry_and_a_failed_sms_is_recorded(chain, monkeypatch, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 1  # the retries: tests/notifications/test_delivery.py
    assert {"review_waiting", "review_rejected", "notice", "deadline", "finding", "review_ageing"} <= set(KINDS)
    with pytest.raises(ValueError):
        send([Message(chain["haidian"], "no_such_kind", "x")])

    def down(mobile, message):
        raise sms.SmsSendError("gateway down")

    monkeypatch.setattr("accounts.sms.send_sms", down)
    send([Message(chain["shangzhuang"], "deadline", "检查结果信息表报送提醒", "今日截止")])
    run_queued_jobs()
    [row] = notes(chain["shangzhuang"])
    assert row.sms_state == Delivery.FAILED and row.email_state == Delivery.NO_ADDRESS  # a filer unit has no e-mail
    assert row.sms_error == "SmsSendError: gateway down" and row.sms_attempts == 1


def test_a_website_application_waits_at_its_unit_and_a_rejected_change_reaches_the_operator(chain):
    from websites import services as site_services
    from tests.websites.test_websites import _done_site

    site = _done_site(chain)
    waiting = notes(chain["haidian"], "review_waiting")
    assert [n.link for n in waiting] == [f"/websites/review/{site.pk}/"]  # the application (its submission stays there)
    assert notes(chain["beijing"], "review_waiting")[0].title == f"待审核：政府网站“{site.name}”（下级单位已审核通过）"
    site = site_services.perform(site, "request_change", site.operator_user, {"sponsor": "海淀区人民政府"})
    site = site_services.perform(site, "reject_change", chain["haidian"], {"result_label": "审核未通过", "reason": "主办单位有误"})
    [rejected] = notes(site.operator_user, "review_rejected")
    assert "主办单位有误" in rejected.body and rejected.link == "/websites/mine/"


@pytest.mark.parametrize("env, backend", [
    ({"DEBUG": "1"}, "django.core.mail.backends.console.EmailBackend"),         # make demo: printed, never sent
    ({"DEBUG": "0", "SECRET_KEY": "x" * 50}, "django.core.mail.backends.smtp.EmailBackend"),
    ({"DEBUG": "1", "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"},
     "django.core.mail.backends.filebased.EmailBackend"),
])
def test_the_email_backend_is_the_console_in_the_demo_smtp_in_production_or_as_set(env, backend):
    from tests.servers import settings_read

    printed = settings_read(env, "from django.conf import settings; print(settings.EMAIL_BACKEND)",
                            drop=("EMAIL_BACKEND", "DEBUG", "DJANGO_SETTINGS_MODULE"))
    assert printed[0] == backend
