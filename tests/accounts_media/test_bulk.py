"""批量审核 and 批量提交 / 批量删除: each request through the engine with its own journal row; a
request handled meanwhile is counted apart and written nothing; another unit's ids do nothing."""
import pytest

from accounts_media import bulk, services
from accounts_media.models import MediaAccount, Status
from reviews.models import JournalEntry
from tests.accounts_media.conftest import account_data, approve

pytestmark = pytest.mark.django_db


def pending_wb(filer_user, n, start=0):
    rows = [account_data(account_type="WB", wechat_kind="", url=f"https://weibo.com/u/77{i:08d}",
                         platform_id=f"77{i:08d}", name=f"上庄微博{i}") for i in range(start, start + n)]
    return services.create_many(filer_user, "submit", rows)


def test_bulk_approval_counts_the_ones_handled_meanwhile(chain, client):
    accounts = pending_wb(chain["shangzhuang"], 6)
    items = [(a.pk, a.version) for a in accounts]
    approve(MediaAccount.objects.get(pk=accounts[0].pk), chain["haidian"])  # another tab was first
    outcome = bulk.review_many(chain["haidian"], items, "approve",
                               {"reason": "", "reviewer_name": "王审核", "reviewer_phone": "18812348822"})
    assert (outcome.done, outcome.handled, outcome.failed) == (5, 1, [])
    rows = JournalEntry.objects.filter(subject_type="media_account", action="approve_add")
    assert rows.count() == 6
    assert sorted(rows.values_list("subject_id", flat=True)) == sorted(a.pk for a in accounts)
    assert set(rows.exclude(subject_id=accounts[0].pk).values_list("person_name", "result")) == {("王审核", "同意添加")}
    assert set(MediaAccount.objects.filter(pk__in=[a.pk for a in accounts]).values_list("reviewer__code", flat=True)) == {"110000"}


def test_bulk_rejection_needs_a_reason_and_names_the_count(chain, client):
    accounts = pending_wb(chain["shangzhuang"], 3)
    client.force_login(chain["haidian"])
    page = client.post("/media/bulk-review/?tab=pending", {"ids": [a.pk for a in accounts]})
    assert page.status_code == 200 and "确定（3 条）" in page.content.decode()
    items = [f"{a.pk}:{a.version}" for a in accounts]
    refused = client.post("/media/bulk-review/", {"apply": "1", "item": items, "result": "reject",
                                                   "reviewer_name": "王审核", "reviewer_phone": "18812348822"})
    assert "驳回原因不能为空" in refused.content.decode()
    assert MediaAccount.objects.filter(status=Status.ADD_PENDING).count() == 3
    done = client.post("/media/bulk-review/", {"apply": "1", "item": items, "result": "reject", "reason": "材料不全",
                                                "reviewer_name": "王审核", "reviewer_phone": "18812348822", "query": "tab=pending"},
                       follow=True)
    assert "批量审核完成：已驳回 3，已被他人处理 0。" in done.content.decode()
    assert MediaAccount.objects.filter(status=Status.ADD_REJECTED).count() == 3
    assert JournalEntry.objects.filter(action="reject_add", reason="材料不全").count() == 3


def test_another_units_requests_are_never_reviewed(chain, client):
    mine = pending_wb(chain["shangzhuang"], 1)
    theirs = pending_wb(chain["tianjin_filer"], 1, start=50)
    client.force_login(chain["haidian"])
    page = client.post("/media/bulk-review/", {"ids": [mine[0].pk, theirs[0].pk]})
    assert page.context["count"] == 1
    outcome = bulk.review_many(chain["haidian"], [(theirs[0].pk, theirs[0].version)], "approve",
                               {"reason": "", "reviewer_name": "王", "reviewer_phone": "18812348822"})
    assert outcome.done == 0
    assert MediaAccount.objects.get(pk=theirs[0].pk).status == Status.ADD_PENDING
    assert not JournalEntry.objects.filter(action="approve_add").exists()


def test_filtered_page_is_what_the_bulk_reviews(chain, client):
    pending_wb(chain["shangzhuang"], 3)
    client.force_login(chain["haidian"])
    page = client.get("/media/bulk-review/", {"tab": "pending", "name": "上庄微博1"})
    assert [r["account"].name for r in page.context["rows"]] == ["上庄微博1"]


def test_reviewer_is_remembered_and_prefilled(chain, client):
    first, second = pending_wb(chain["shangzhuang"], 2)
    client.force_login(chain["haidian"])
    form = client.get(f"/media/{first.pk}/review/").context["form"]
    assert form.initial.get("reviewer_name") == ""
    client.post(f"/media/{first.pk}/review/", {"result": "approve", "reviewer_name": "李审核",
                                                "reviewer_phone": "010-35123421", "version": first.version})
    html = client.get(f"/media/{second.pk}/review/").content.decode()
    assert 'value="李审核"' in html and 'value="010-35123421"' in html
    chain["haidian"].refresh_from_db()
    client.force_login(chain["beijing"])  # another login remembers its own
    assert client.get(f"/media/{first.pk}/review/").context["form"].initial["reviewer_name"] == ""


def test_filer_bulk_submit_and_delete_of_drafts(chain, client):
    rows = [account_data(account_type="WB", wechat_kind="", url=f"https://weibo.com/u/66{i:08d}",
                         platform_id=f"66{i:08d}", name=f"草稿{i}") for i in range(4)]
    drafts = services.create_many(chain["shangzhuang"], "save_draft", rows)
    other = services.create_many(chain["yanyuan"], "save_draft", [account_data(
        account_type="WB", wechat_kind="", url="https://weibo.com/u/6699999999", platform_id="6699999999", name="别人的")])
    client.force_login(chain["shangzhuang"])
    page = client.get("/media/?tab=drafts").content.decode()
    assert "批量提交" in page and "批量删除" in page
    done = client.post("/media/bulk-drafts/submit/?tab=drafts", {"ids": [drafts[0].pk, drafts[1].pk, other[0].pk]}, follow=True)
    assert "已提交 2，已被处理 0。" in done.content.decode()
    client.post("/media/bulk-drafts/delete/", {"ids": [d.pk for d in drafts]})
    statuses = dict(MediaAccount.objects.values_list("name", "status"))
    assert statuses["草稿0"] == Status.ADD_PENDING and statuses["别人的"] == Status.DRAFT
    assert MediaAccount.objects.filter(name__in=["草稿2", "草稿3"], removed_at__isnull=False).count() == 2
    assert JournalEntry.objects.filter(action="delete_draft").count() == 2  # the two submitted ones were not drafts


def test_a_second_quick_submit_of_one_account_names_the_own_unit(chain):
    from reviews.engine import TransitionError
    from tests.accounts_media.conftest import submit

    submit(chain["shangzhuang"], name="上庄发布")
    with pytest.raises(TransitionError, match="已由本单位报送（可能重复点击了提交）"):
        submit(chain["shangzhuang"], name="上庄发布")
    with pytest.raises(TransitionError, match="已被其他单位报送"):
        submit(chain["yanyuan"], name="上庄发布")
