"""The findings banner on a filer unit's pages (`{% my_findings %}`): a unit with nothing open pays
no query for it once counted; a monitoring write (the generation bumped at its commit) shows the
new finding on the next page."""
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.changes import bump_generation
from monitoring.models import Finding, Kind
from tests.monitoring.test_runs import make_account


def _finding_queries(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/media/").content.decode()
    return page, sum('"monitoring_finding"' in q["sql"] for q in ctx.captured_queries)


def test_nothing_open_costs_no_query_and_a_new_finding_shows_after_the_runs_commit(chain, login, django_capture_on_commit_callbacks):
    client = login(chain["shangzhuang"])
    page, queries = _finding_queries(client)
    assert 'data-testid="my-findings"' not in page and queries == 1  # counted once
    page, queries = _finding_queries(client)
    assert 'data-testid="my-findings"' not in page and queries == 0  # kept until the next monitoring write

    account = make_account(chain["shangzhuang"].filer_unit, "上庄发布", "https://example.cn/a/1", "A0000000001")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        now = timezone.now()
        Finding.objects.create(account=account, kind=Kind.ACCOUNT_LINK, detail="账号链接无法访问（HTTP 404）",
                               first_seen=now, last_seen=now)
        bump_generation()  # what every monitoring write does (monitoring.runner)
    page, queries = _finding_queries(client)
    assert 'data-testid="my-findings"' in page and "自动监测发现 1 个问题" in page and queries == 2  # count + rows


def test_another_units_finding_is_not_counted_for_this_one(chain, login, django_capture_on_commit_callbacks):
    other = make_account(chain["tianjin_filer"].filer_unit, "和平教育", "https://example.cn/a/2", "A0000000002")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        now = timezone.now()
        Finding.objects.create(account=other, kind=Kind.ACCOUNT_LINK, detail="账号链接无法访问（HTTP 404）",
                               first_seen=now, last_seen=now)
        bump_generation()
    assert 'data-testid="my-findings"' not in login(chain["shangzhuang"]).get("/media/").content.decode()
    assert "自动监测发现 1 个问题" in login(chain["tianjin_filer"]).get("/media/").content.decode()
