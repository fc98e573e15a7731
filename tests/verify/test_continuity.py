"""Continuity after closure: the 继任账号 named in the closure request is what /verify/, the API
and the badge point to (已关停，请关注 X); the reuse watch (through the monitoring fetcher, against
the local fixture server) tells the org unit once when a closed link answers again."""
from django.urls import reverse

from accounts_media import services as media_services
from reviews.models import JournalEntry
from tests.accounts_media.conftest import REVIEW_OK
from tests.verify.conftest import CLOSE, registered
from verify import continuity
from verify.models import ReuseWatch, Succession


def close_with(account, chain, successor_code=""):
    filer = next(u for u in chain.values() if getattr(u, "filer_unit_id", None) == account.filer_unit_id)
    account = media_services.perform(account, "request_close", filer, {**CLOSE, "successor": successor_code})
    reviewer = next(u for u in chain.values() if getattr(u, "org_unit_id", None) == account.reviewer_id)
    return media_services.perform(account, "approve_close", reviewer, REVIEW_OK)


def test_the_close_form_checks_the_successor_code(chain):
    from accounts_media.forms import CloseForm

    new = registered(chain, "上庄发布新号", "WB", "https://weibo.com/u/5501756072")
    form = CloseForm(data={**CLOSE, "successor": "NOPE0000"})
    assert not form.is_valid() and "未找到该新媒体标识码对应的正常账号" in form.errors["successor"][0]
    form = CloseForm(data={**CLOSE, "successor": new.media_code.lower()})
    assert form.is_valid() and form.request_data()["successor"] == new.media_code


def test_a_closed_account_points_to_its_successor_everywhere(client, chain):
    old = registered(chain, "上庄发布", "WB", "https://weibo.com/u/2265830070")
    new = registered(chain, "上庄发布新号", "WB", "https://weibo.com/u/5501756072")
    old = close_with(old, chain, new.media_code)
    assert Succession.objects.get(account=old).successor == new
    entry = JournalEntry.objects.get(subject_type="media_account", subject_id=old.pk, action="account_successor")
    assert entry.changes[0]["new"] == f"上庄发布新号（{new.media_code}）"
    body = client.get("/api/v1/verify/account", {"link": "https://weibo.com/u/2265830070"}).json()
    assert body["answer"] == "closed" and body["answer_text"] == "已关停，请关注“上庄发布新号”"
    assert body["record"]["successor"] == {"name": "上庄发布新号", "media_code": new.media_code,
                                           "page": f"/verify/{new.media_code}/"}
    html = client.get("/verify/", {"q": "https://weibo.com/u/2265830070"}).content.decode()
    assert "已关停，请关注“上庄发布新号”" in html and 'data-testid="report-link"' in html
    badge = client.get(reverse("verify:detail", args=[old.media_code])).content.decode()
    assert "已关停，请关注“上庄发布新号”" in badge and f'href="/verify/{new.media_code}/"' in badge
    # a running account has no successor in its record
    assert client.get(f"/api/v1/accounts/{new.media_code}").json()["successor"] is None


def test_closing_without_a_successor_says_closed(client, chain):
    old = close_with(registered(chain, "上庄发布", "WB", "https://weibo.com/u/2265830070"), chain)
    body = client.get(f"/api/v1/accounts/{old.media_code}").json()
    assert body["status"] == "closed" and body["successor"] is None and not Succession.objects.exists()


def test_the_reuse_watch_tells_the_org_unit_once(monitoring, chain):
    from notifications.models import Notification

    url = monitoring.url("/closed/shangzhuang-app")
    old = close_with(registered(chain, "上庄发布客户端", "QT", url), chain)
    monitoring.page("/closed/shangzhuang-app", "该账号已注销", status=200)
    assert continuity.watch_reuse() == {"checked": 1, "told": 0}
    assert ReuseWatch.objects.get(account=old).active is False
    monitoring.page("/closed/shangzhuang-app", "<html><h1>上庄好物推荐</h1>欢迎关注</html>")
    assert continuity.watch_reuse() == {"checked": 1, "told": 1}
    assert continuity.watch_reuse() == {"checked": 1, "told": 0}  # told once while it stays active
    entry = JournalEntry.objects.get(subject_type="media_account", subject_id=old.pk, action="account_reuse")
    assert url in entry.reason and entry.scope_path == old.org_path
    unit = old.filer_unit.org_unit_id
    told = Notification.objects.filter(kind="account_reuse", user__org_unit_id=unit)
    assert told.count() == 1 and "上庄发布客户端" in told.get().title
    assert not Notification.objects.filter(kind="account_reuse").exclude(user__org_unit_id=unit).exists()
