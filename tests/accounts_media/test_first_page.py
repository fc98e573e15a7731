"""新媒体账号信息 as it opens (no filter, no sort, first page) is read by a statement compiled once
per role, scope shape, tab and page size (accounts_media.lists.first_accounts, decision 0067):
the same rows in the same order as the list's ORM query, for every role and tab, and never one
viewer's rows for another viewer of the same shape."""
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts_media import services
from accounts_media.lists import MEDIA_LIST, contacts_shown, first_accounts, tab_rows
from accounts_media.selectors import accounts_visible_to
from accounts_media.tabs import tabs_for
from tests.accounts_media.conftest import account_data, normal_account, reject, submit
from tests.conftest import requires_postgres


@pytest.fixture
def accounts(chain):
    """Accounts of 上庄镇 (海淀区) in several states and of 和平区's filer unit beside them."""
    for n in range(3):
        normal_account(chain, name=f"上庄发布{n}", platform_id=f"MzA5MDk1MjI5M{n}==")
    submit(chain["shangzhuang"], name="待审上庄", platform_id="MzA5MDk1MjI5Mx==")
    rejected = submit(chain["shangzhuang"], name="驳回上庄", platform_id="MzA5MDk1MjI5My==")
    reject(rejected, chain["haidian"])
    submit(chain["tianjin_filer"], name="和平教育", platform_id="MzA5MDk1MjI5Mz==")
    return chain


def _request(rf, user, tab=None):
    request = rf.get("/media/", {"tab": tab} if tab else {})
    request.user = user
    return request


def _orm_page(user, tab, size):
    base = accounts_visible_to(user).select_related("filer_unit")
    return list(tab_rows(base, tab, contacts_shown(user)).order_by(*MEDIA_LIST.default_ordering)[:size])


@pytest.mark.parametrize("who", ["gb", "beijing", "haidian", "shangzhuang", "tianjin", "heping", "tianjin_filer"])
def test_the_first_page_is_the_lists_own_query_for_every_role_and_tab(rf, accounts, who):
    user = accounts[who]
    for tab in tabs_for(user):
        for size in (20, 100):
            expected = _orm_page(user, tab, size)
            found = first_accounts(_request(rf, user, tab.key), size, len(expected))
            assert [a.pk for a in found] == [a.pk for a in expected], (who, tab.key)
            for mine, theirs in zip(found, expected):
                assert (mine.name, mine.status, mine.reviewer_id, mine.filer_unit.name) == \
                    (theirs.name, theirs.status, theirs.reviewer_id, theirs.filer_unit.name)
                assert mine.get_deferred_fields() == theirs.get_deferred_fields()


def test_two_viewers_of_one_shape_each_read_only_their_own(rf, accounts):
    """海淀区 and 和平区 are both counties (one statement); 上庄镇 and 和平区's filer unit both filer
    units: the second viewer never reads the first one's rows."""
    for first, second in (("haidian", "heping"), ("shangzhuang", "tianjin_filer"), ("beijing", "tianjin")):
        for who in (first, second, first):
            user = accounts[who]
            for tab in tabs_for(user):
                found = first_accounts(_request(rf, user, tab.key), 100, 0)
                visible = set(accounts_visible_to(user).filter(tab.q).values_list("pk", flat=True))
                assert {a.pk for a in found} == visible, (who, tab.key)
    heping = {a.name for a in first_accounts(_request(rf, accounts["heping"], "pending"), 100, 0)}
    haidian = {a.name for a in first_accounts(_request(rf, accounts["haidian"], "pending"), 100, 0)}
    assert heping == {"和平教育"} and haidian == {"待审上庄"}


def test_the_page_opened_plainly_and_the_page_filtered_by_nothing_show_the_same_table(client, login, accounts):
    login(accounts["haidian"])
    for tab in ("", "pending", "submitted"):
        plain = client.get("/media/", {"tab": tab} if tab else {}).content.decode()
        through_orm = client.get("/media/", {"name": "", **({"tab": tab} if tab else {})}).content.decode()
        # (the 审核 link's ?back= carries each page's own query string)
        assert "<tr" in _table(plain) and _table(plain) == _table(through_orm)


def _table(html: str) -> str:
    return re.sub(r'\?back=[^"]*', "", html[html.index("<tbody>"):html.index("</tbody>")])


@requires_postgres
def test_an_org_units_drafts_tab_reads_the_drafts_own_index(rf, accounts):
    """未提交 of an org unit (3 % of the accounts) in list order from the partial index
    media_drafts_recent, not by walking every live account newest first (a province read 31,000
    rows for its first 20: docs/benchmarks.md, session 16). The test table is tiny, so the plan
    is asked with sequential scans and sorts off: what is left is the indexes that serve it."""
    filer = accounts["shangzhuang"]
    for n in range(3):
        services.perform(services.new_account(filer), "save_draft", filer, account_data(name=f"草稿{n}", platform_id=f"MzA5MDk1MjI5N{n}=="))
    user = accounts["beijing"]
    drafts = next(tab for tab in tabs_for(user) if tab.key == "drafts")
    with CaptureQueriesContext(connection) as captured:
        found = first_accounts(_request(rf, user, "drafts"), 20, 3)
    assert sorted(a.name for a in found) == ["草稿0", "草稿1", "草稿2"] and drafts.label == "未提交"
    statement = next(q["sql"] for q in captured.captured_queries if "accounts_media_mediaaccount" in q["sql"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + statement)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "media_drafts_recent" in plan, plan
