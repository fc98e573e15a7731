"""Search by any part of a name or code (issue 30): 上庄发布 is found by 上庄, 发布 and 庄发; the
filer unit's 唯一标识 and a website's 标识码 by a part; and every such search can be answered from
an index (no read of the whole table at 250k: the plan with sequential scans off names them)."""
import pytest
from django.db import connection

from accounts_media.models import MediaAccount
from govmedia.common.search import grams, part_of
from govmedia.common.sqlport import in_list
from orgtree.models import FilerUnit
from tests.accounts_media.conftest import normal_account, submit

pytestmark = pytest.mark.django_db

requires_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")


def test_any_part_of_a_name_or_code_finds_the_account(chain, client, login):
    account = normal_account(chain, name="上庄发布")
    submit(chain["shangzhuang"], name="海淀教育", platform_id="MzA5MDk1MjI5OQ==", url="https://mp.weixin.qq.com/s/x")
    login(chain["haidian"])
    for part in ("上庄发布", "上庄", "发布", "庄发", "上"):
        names = [r["obj"].name for r in client.get("/media/", {"name": part}).context["rows"]]
        assert names == ["上庄发布"], part
    code = account.media_code
    rows = client.get("/media/", {"media_code": code[-6:]}).context["rows"]
    assert [r["obj"].pk for r in rows] == [account.pk]
    rows = client.get("/media/", {"filer_code": "M001"}).context["rows"]
    assert {r["obj"].filer_unit.code for r in rows} == {"110108M001"}


def test_filer_units_and_websites_by_part(chain, client, login, tree):
    from tests.factories import make_website

    make_website(tree["110108"], "海淀区人民政府网站", site_code="1101080001", filing="done")
    login(chain["haidian"])
    names = [r["obj"].name for r in client.get("/filer-units/", {"name": "上庄"}).context["rows"]]
    assert names == ["海淀区上庄镇政府"]
    codes = [r["obj"].code for r in client.get("/filer-units/", {"code": "08M00"}).context["rows"]]
    assert sorted(codes) == ["110108M001", "110108M002"]
    assert [r["obj"].name for r in client.get("/websites/review/", {"q": "政府"}).context["rows"]] == ["海淀区人民政府网站"]
    assert [r["obj"].name for r in client.get("/websites/review/", {"q": "80001"}).context["rows"]] == ["海淀区人民政府网站"]


def test_the_filers_list_offers_no_org_filters(chain, client, login):
    login(chain["shangzhuang"])
    names = [c["name"] for c in client.get("/media/").context["filter_controls"]]
    assert "level" not in names and "filer_code" not in names and "name" in names
    login(chain["haidian"])
    assert "level" in [c["name"] for c in client.get("/media/").context["filter_controls"]]


def test_grams_are_characters_and_pairs():
    assert grams("上庄发布") == sorted({"上", "庄", "发", "布", "上庄", "庄发", "发布"})
    assert grams("AbC") == sorted({"a", "b", "c", "ab", "bc"})


@requires_postgres
@pytest.mark.parametrize("model, field, value, index", [
    (MediaAccount, "name", "上庄", "search_media_name_grams"),
    (MediaAccount, "name", "上庄发布", "search_media_name_trgm"),
    (MediaAccount, "media_code", "M001WX", "search_media_code_trgm"),
    (FilerUnit, "name", "上庄", "search_filer_name_grams"),
    (FilerUnit, "name", "上庄镇", "search_filer_name_trgm"),
    (FilerUnit, "code", "08M00", "search_filer_code_trgm"),
])
def test_every_part_search_can_be_served_by_an_index(chain, model, field, value, index):
    sql, params = model.objects.filter(part_of(field, value)).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # Only the index under test may serve (the test's transaction rolls the drops back): on the
        # suite's few rows the planner would otherwise pick any partial index that implies the filter.
        cursor.execute("SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                       "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                       "WHERE c.conindid = x.indexrelid) AND i.relname <> %s", [model._meta.db_table, index])
        for (other,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{other}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


def test_a_found_page_reads_every_match_in_order_then_its_rows(chain, client, login, tree):
    """A search whose matches fit DIRECT_PAGE_MAX, in a list whose scope may be large, reads all
    their ids in list order (no LIMIT: PostgreSQL then serves the search from its index instead of
    walking the list's order index and filtering, 0.5 s at 250k for a part of a 标识码), then the
    page's rows: each page of a sorted search shows exactly the rows of the plain ORDER BY. A scope
    known to be small (a filer unit's accounts, counted in its tabs) reads the same two statements
    and no COUNT(*): its matching ids are its count."""
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_filer

    for n in range(23):
        make_filer(tree["110108"], f"上庄服务站{n:02d}", serial=100 + n, password=None)
    make_filer(tree["110105"], "上庄服务站99", serial=199, password=None)  # 朝阳区's: never in 海淀区's list
    login(chain["haidian"])
    expected = list(FilerUnit.objects.filter(name__contains="庄服", org_unit=tree["110108"]).order_by("-name", "-id")
                    .values_list("name", flat=True))
    assert len(expected) == 23
    query = {"name": "庄服", "sort": "-name", "per_page": 20}
    with CaptureQueriesContext(connection) as ctx:
        first = client.get("/filer-units/", query).context["rows"]
    ids_sql = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "orgtree_filerunit"."id" AS')]
    assert len(ids_sql) == 1 and "LIMIT" not in ids_sql[0], ids_sql
    # The page's rows by id: one statement, its ids one array, inside 海淀区's scope (ListSpec.rows_by_id).
    one_parameter = '"orgtree_filerunit"."id" ' + in_list(connection).split("%s")[0]  # = ANY( … / IN (SELECT … json_each(
    rows_sql = [q["sql"] for q in ctx.captured_queries if one_parameter in q["sql"]]
    assert len(rows_sql) == 1 and "/GB0000/110000/110108/" in rows_sql[0], rows_sql
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/filer-units/", {**query, "page": 2}).context["rows"]
    again = [q["sql"] for q in ctx.captured_queries if one_parameter in q["sql"]]
    assert again[0].split(one_parameter)[0] == rows_sql[0].split(one_parameter)[0]  # the same statement
    assert [r["obj"].name for r in first] == expected[:20] and [r["obj"].name for r in second] == expected[20:]
    assert all(r["obj"].login_id for r in first)  # its annotations, as page_rows_of reads them
    assert "上庄服务站99" not in expected

    login(chain["shangzhuang"])
    normal_account(chain, name="上庄镇发布", account_type="BL", url="https://space.bilibili.com/434377401",
                   platform_id="434377401")
    normal_account(chain, name="另一个号", account_type="BL", url="https://space.bilibili.com/434377402",
                   platform_id="434377402")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/media/", {"name": "上庄", "tab": "all"})
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert [r["obj"].name for r in response.context["rows"]] == ["上庄镇发布"]
    assert response.context["page"].paginator.count == 1
    ids_sql = [q for q in sqls if q.startswith('SELECT "accounts_media_mediaaccount"."id" AS')]
    assert len(ids_sql) == 1 and "LIMIT" not in ids_sql[0]
    one_parameter = '"accounts_media_mediaaccount"."id" ' + in_list(connection).split("%s")[0]
    assert len([q for q in sqls if one_parameter in q]) == 1  # the list's own statement, compiled once
    assert not [q for q in sqls if q.startswith('SELECT COUNT(*) AS "__count" FROM "accounts_media_mediaaccount"')]


def test_accounts_read_by_id_keep_to_the_viewers_scope_and_tab(chain, rf, tree):
    """The page's rows by id (a search's, a deep page's: ListSpec.rows_by_id) come through the
    viewer's own scope and tab: ids of another district's account or of another tab read nothing."""
    from accounts_media.lists import accounts_by_id
    from tests.factories import make_filer

    own = submit(chain["shangzhuang"], name="上庄发布")
    chaoyang = make_filer(tree["110105"], "朝阳区三里屯街道", serial=7).user
    foreign = submit(chaoyang, name="三里屯发布", platform_id="MzA5MDk1MjI5OQ==", url="https://mp.weixin.qq.com/s/y")

    def read(user, tab, ids):
        request = rf.get("/media/", {"tab": tab})
        request.user = user
        return [row.pk for row in accounts_by_id(request, ids)]

    ids = [foreign.pk, own.pk]
    assert read(chain["haidian"], "submitted", ids) == [own.pk]
    assert read(chain["shangzhuang"], "submitted", ids) == [own.pk]
    assert read(chaoyang, "submitted", ids) == [foreign.pk]
    assert set(read(chain["beijing"], "submitted", ids)) == set(ids)  # 北京市: both districts
    assert read(chain["haidian"], "drafts", ids) == []  # another tab: not its rows
    assert read(chain["haidian"], "pending", ids) == [own.pk]  # 海淀区 reviews it now


def test_a_filter_over_a_small_scope_pages_through_its_matching_ids(chain, client, login):
    """A filer unit's accounts (a scope its tab counts say is small) filtered by part of a name: the
    matching ids in list order are the count (no COUNT(*)), and each page shows exactly the rows of
    the plain ORDER BY, its own unit's only."""
    from django.test.utils import CaptureQueriesContext

    from tests.control.helpers import make_account

    mine, theirs = chain["shangzhuang"].filer_unit, chain["commerce"].filer_unit
    for n in range(22):
        make_account(mine, f"上庄服务{n:02d}", f"https://example.cn/s{n}", f"S{n:09d}")
    for n in range(3):
        make_account(mine, f"另一个号{n}", f"https://example.cn/o{n}", f"O{n:09d}")
        make_account(theirs, f"上庄服务{n:02d}", f"https://example.cn/t{n}", f"T{n:09d}")
    expected = list(MediaAccount.objects.filter(filer_unit=mine, name__contains="庄服")
                    .order_by("-name", "-id").values_list("name", flat=True))
    login(chain["shangzhuang"])
    query = {"name": "庄服", "tab": "all", "sort": "-name", "per_page": 20}
    pages = []
    for number in (1, 2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/media/", {**query, "page": number})
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 22
        pages.append([r["obj"].name for r in response.context["rows"]])
        assert not [q for q in ctx.captured_queries
                    if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "accounts_media_mediaaccount"')]
    assert pages == [expected[:20], expected[20:]]
    assert "共 22 条记录" in response.content.decode()
