"""The final (L1) approval of an add request, which issues the media code, in at most 12
queries (issue 26): the filer unit's lock, the account locked with its reviewer and filer unit,
the code's serial and floor in one upsert, the account's update, 账号数量, the journal chain's
head locked, and the journal row inserted in the statement that moves the head."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts_media.models import MediaAccount
from orgtree.models import CodeSequence
from reviews.chain import verify
from tests.accounts_media.conftest import approve, submit

MAX_QUERIES = 12


def final_approval(chain, **overrides):
    account = submit(chain["commerce"], operator="北京市商务局", **overrides)
    account = MediaAccount.objects.get(pk=account.pk)
    with CaptureQueriesContext(connection) as queries:
        account = approve(account, chain["beijing"])
    return account, queries


def test_the_final_approval_costs_at_most_12_queries_and_issues_the_code(chain):
    account, queries = final_approval(chain)
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) <= MAX_QUERIES, "\n".join(sql)
    assert not any(s.startswith(("SAVEPOINT", "RELEASE")) for s in sql[1:-1])  # no savepoints inside
    assert account.media_code == "110000M001WX0001" and account.status == "normal" and account.reviewer_id is None
    assert verify().ok  # the journal row inserted with the head's move keeps the chain intact


def test_the_code_floor_is_read_in_the_counters_statement(chain):
    """A lost counter never reissues a code that exists (the floor), still in the same query count."""
    first, _ = final_approval(chain)
    CodeSequence.objects.filter(scope="media:110000M001WX").delete()
    second, queries = final_approval(chain, name="北京商务2", platform_id="B2",
                                     url="https://mp.weixin.qq.com/s?__biz=B2&mid=1")
    assert first.media_code == "110000M001WX0001" and second.media_code == "110000M001WX0002"
    assert len(queries) <= MAX_QUERIES
    assert verify().ok
