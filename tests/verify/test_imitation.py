"""举报仿冒账号: a citizen's report and repeated unknown look-ups reach the nearest org unit's
待核查 queue; that unit (or one above) settles it through the transition table; another unit
never sees it; the public sees the outcome in aggregate only."""
import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import JournalEntry
from tests.factories import solve_captcha
from verify import imitation
from verify.models import ImitationReport

FAKE = "https://weibo.com/u/7777777777"


def citizen_report(client, link, claimed, contact=""):
    url = reverse("verify:report") + "?link=" + link
    data = solve_captcha(client, url, {"link": link, "claimed": claimed, "contact": contact})
    return client.post(reverse("verify:report"), data)


def test_a_report_goes_to_the_unit_with_the_nearest_account_and_a_second_report_adds_to_it(client, pingan, chain):
    response = citizen_report(client, FAKE, "平安北京", "13900001111")
    assert response.status_code == 302 and response["Location"] == reverse("verify:report_done")
    item = ImitationReport.objects.get()
    # 平安北京交警 (Weibo, like the link) is registered by 北京市商务局, a filer unit of 北京市
    assert item.org_unit.code == "110000" and item.status == "pending" and item.reports == 1
    assert (item.account_type, item.link_key) == ("WB", "WB:7777777777")
    citizen_report(Client(), "https://m.weibo.cn/u/7777777777?from=share", "平安北京")  # another form, one item
    item.refresh_from_db()
    assert ImitationReport.objects.count() == 1 and item.reports == 2 and item.contact == "13900001111"
    entries = list(JournalEntry.objects.filter(subject_type="imitation_report", subject_id=item.pk).order_by("id"))
    assert [e.action for e in entries] == ["imitation_report", "imitation_again"]
    assert entries[0].actor_unit_name == "公众" and entries[0].scope_path == "/GB0000/110000/"
    # the unit is told
    from notifications.models import Notification

    assert Notification.objects.filter(user=chain["beijing"], kind="imitation").exists()


def test_a_report_without_a_near_name_goes_to_the_national_office(client, pingan):
    citizen_report(client, "https://www.douyin.com/user/MS4wLjABAAAAxxxxxxxxxxxxxxxxxxxxxxxxx", "完全不同的名字")
    assert ImitationReport.objects.get().org_unit.code == "GB0000"


def test_the_report_form_needs_the_captcha_and_a_link(client, db):
    response = client.post(reverse("verify:report"), {"link": FAKE, "claimed": "平安北京"})
    assert response.status_code == 200 and "验证码" in response.content.decode()
    data = solve_captcha(client, reverse("verify:report"), {"link": "平安北京", "claimed": "平安北京"})
    assert "请粘贴完整的链接" in client.post(reverse("verify:report"), data).content.decode()
    assert not ImitationReport.objects.exists()


def test_repeated_unknown_lookups_surface_in_the_same_queue(client, pingan, settings):
    settings.VERIFY_LOOKUP_QUEUE_AFTER = 3
    for _ in range(2):
        html = client.get("/verify/", {"q": FAKE}).content.decode()
        assert "未在系统中登记" in html and 'data-testid="report-link"' in html
    assert not ImitationReport.objects.exists()
    client.get("/verify/", {"q": FAKE})
    item = ImitationReport.objects.get()
    assert (item.source, item.lookups, item.org_unit.code) == ("lookups", 3, "GB0000")
    for _ in range(3):
        client.get("/verify/", {"q": "https://weibo.com/7777777777"})  # the same account, another form
    item.refresh_from_db()
    assert item.lookups == 6
    citizen_report(client, FAKE, "平安北京")  # a citizen's report counts into the same item
    item.refresh_from_db()
    assert ImitationReport.objects.count() == 1 and item.reports == 1
    assert set(JournalEntry.objects.filter(subject_type="imitation_report").values_list("action", flat=True)) == {
        "imitation_surface", "imitation_lookups", "imitation_again"}


def test_the_unit_settles_it_another_unit_never_sees_it_and_the_public_sees_the_count(client, pingan, chain, login):
    citizen_report(client, FAKE, "平安北京")
    item = ImitationReport.objects.get()
    before = imitation.public_counts()
    for outsider in ("tianjin", "haidian", "heping"):
        login(chain[outsider])
        assert item.link not in client.get(reverse("imitation:list")).content.decode()
        assert client.get(reverse("imitation:detail", args=[item.pk])).status_code == 404
        assert client.post(reverse("imitation:act", args=[item.pk, "imitation_confirm"]),
                           {"version": item.version}).status_code == 404
    login(chain["beijing"])
    listing = client.get(reverse("imitation:list")).content.decode()
    assert item.link in listing and 'data-testid="tab-pending"' in listing
    page = client.get(reverse("imitation:detail", args=[item.pk])).content.decode()
    assert 'data-transition="imitation_confirm"' in page and 'data-transition="imitation_handled"' not in page
    response = client.post(reverse("imitation:act", args=[item.pk, "imitation_confirm"]),
                           {"version": item.version, "reason": "冒用北京市公安局名义"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "imitation" and item.note == "冒用北京市公安局名义"
    stale = client.post(reverse("imitation:act", args=[item.pk, "imitation_genuine"]), {"version": item.version - 1},
                        follow=True)
    assert "该申请已被处理" in stale.content.decode()
    after = imitation.public_counts()
    by = {r["status"]: r["count"] for r in after["by_status"]}
    assert by["imitation"] == {r["status"]: r["count"] for r in before["by_status"]}["imitation"] + 1
    assert by["pending"] == 0
    login(chain["gb"])  # a unit above may settle too
    client.post(reverse("imitation:act", args=[item.pk, "imitation_handled"]), {"version": item.version, "reason": "平台已封禁"})
    item.refresh_from_db()
    assert item.status == "handled"
    public = Client().get(reverse("verify:reports_public")).content.decode()
    assert 'data-status="handled"' in public and item.link not in public and "13900001111" not in public


def test_every_transition_is_a_registered_journal_action():
    from reviews.journal import ACTIONS

    assert {t.name for t in imitation.WORKFLOW.transitions} <= set(ACTIONS)


@pytest.mark.parametrize("user_key", ["filer", "site"])
def test_filers_and_sites_have_no_queue(client, users, user_key):
    client.force_login(users[user_key])
    assert client.get(reverse("imitation:list")).status_code == 403


def test_items_move_with_a_moved_subtree(client, pingan, chain, tree):
    from orgtree.services import move_org_unit

    citizen_report(client, "https://www.douyin.com/user/MS4wLjABAAAAxxxxxxxxxxxxxxxxxxxxxxxxx", "平安北京交警")
    item = ImitationReport.objects.get()
    assert item.org_unit.code == "110000"
    item.org_path = tree["110108"].path  # as if routed to 海淀区
    item.org_unit = tree["110108"]
    item.save()
    move_org_unit(tree["110108"], tree["120000"])
    item.refresh_from_db()
    assert item.org_path == "/GB0000/120000/110108/"
