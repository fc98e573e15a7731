"""The load test of `make prod-check` (bench/locustfile.py) reads review links, the 待审核 count and
the form's version off the pages, and posts a review and a new account: checked here against the
pages as they are rendered today, so a change of the links cannot turn it into a read-only run."""
from accounts_media.models import MediaAccount, Status
from bench.patterns import PENDING_COUNT, REVIEW, REVIEW_LINK, VERSION, new_account
from reviews.models import JournalEntry


def test_the_load_test_submits_finds_the_review_link_and_approves(chain, login):
    filer = login(chain["shangzhuang"])
    response = filer.post("/media/add/", data=new_account(1234567890))
    assert response.status_code == 302, response.content.decode()[:2000]
    account = MediaAccount.objects.get(name="压测账号1234567890")
    assert account.status == Status.ADD_PENDING

    org = login(chain["haidian"])
    page = org.get("/media/?tab=pending").content.decode()
    assert REVIEW_LINK.findall(page) == [str(account.pk)]
    assert PENDING_COUNT.search(page).group(1) == "1"
    form = org.get(f"/media/{account.pk}/review/").content.decode()
    version = VERSION.search(form).group(1)
    response = org.post(f"/media/{account.pk}/review/", data={**REVIEW, "version": version})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.reviewer_id != chain["haidian"].org_unit_id  # approved here: on to 北京市
    # What scripts/prod-check.sh counts as the approvals the load test applied.
    assert JournalEntry.objects.filter(person_name="压测审核", action__startswith="approve").count() == 1
