import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orgtree.models import FilerUnit
from tests.factories import make_filer
from tests.jobs_helpers import export_all

LIST = "/filer-units/"


@pytest.fixture
def filers(users, tree):
    """Filer units side by side: Beijing (市直 and 区直), Haidian, Tianjin, the tax bureau."""
    return {
        "bj_commerce": make_filer(tree["110000"], "北京市商务局", 1, media_count=3),
        "bj_police": make_filer(tree["110000"], "北京市公安局", 2, media_count=0),
        "hd_yanyuan": make_filer(tree["110108"], "海淀区燕园街道办事处", 2, media_count=1),
        "cy_edu": make_filer(tree["110105"], "朝阳区教育委员会", 1),
        "tj": make_filer(tree["120101"], "和平区商务局", 2),
        "tax": make_filer(tree["bm2904"], "山西省税务局办公室", 1),
    }


def codes_in(response):
    return {row["obj"].code for row in response.context["rows"]}


def test_each_unit_sees_its_subtree_only(client, users, login, filers):
    login(users["l1"])
    assert codes_in(client.get(LIST)) == {"110000M001", "110000M002", "110108M001", "110108M002", "110105M001"}
    login(users["org"])
    assert codes_in(client.get(LIST)) == {"110108M001", "110108M002"}
    login(users["l1_other"])
    assert codes_in(client.get(LIST)) == {"120101M001", "120101M002"}
    login(users["gb"])
    assert len(codes_in(client.get(LIST, {"per_page": 50}))) == 8


def test_filters(client, users, login, filers):
    login(users["l1"])
    assert codes_in(client.get(LIST, {"code": "110000m001"})) == {"110000M001"}
    assert codes_in(client.get(LIST, {"name": "商务"})) == {"110000M001"}
    assert codes_in(client.get(LIST, {"org2": "110108"})) == {"110108M001", "110108M002"}
    assert codes_in(client.get(LIST, {"media_count_min": 1})) == {"110000M001", "110108M002"}
    assert codes_in(client.get(LIST, {"media_count_max": 0, "org2": "110105"})) == {"110105M001"}
    assert codes_in(client.get(LIST, {"status": "deleted"})) == set()
    # A code from another province in the query string: nothing, never foreign rows.
    assert codes_in(client.get(LIST, {"org2": "120101"})) == set()
    assert codes_in(client.get(LIST, {"org1": "120000"})) == set()
    assert codes_in(client.get(LIST, {"code": "120101M001"})) == set()


def test_cascade_options_follow_the_viewer(client, users, login, filers):
    login(users["l1"])
    cascade = client.get(LIST, {"org2": "110108"}).context["cascade"]
    assert cascade[0]["fixed"] and cascade[0]["selected"] == "110000"
    assert ("110108", "海淀区") in cascade[1]["options"] and cascade[1]["selected"] == "110108"
    assert ("120101", "和平区") not in cascade[1]["options"]
    children = client.get(reverse("org_children"), {"parent": "120000"}).json()
    assert children == {"units": []}
    children = client.get(reverse("org_children"), {"parent": "110000"}).json()
    assert {u["code"] for u in children["units"]} == {"110108", "110105"}


def test_the_page_costs_a_constant_number_of_queries(client, users, login, filers, tree, django_assert_max_num_queries):
    login(users["gb"])
    client.get(LIST)  # warm up the session
    with django_assert_max_num_queries(9):
        small = client.get(LIST, {"per_page": 20})
    for i in range(30):
        make_filer(tree["130102"], f"长安区测试单位{i}", 100 + i)
    with django_assert_max_num_queries(9):
        big = client.get(LIST, {"per_page": 100})
    assert len(big.context["rows"]) == 38 and len(small.context["rows"]) == 8


def test_the_count_and_the_ids_read_no_login_only_the_rows_read_it(client, users, login, filers, tree):
    """The page's columns of a row's login (its password state: FILER_UNIT_LIST.page_columns) are read
    with the rows, never by the count or the ids: a join there counts and sorts more than the list
    (GB's first page: 49 ms to sort 150,000 joined units for 100 ids). Read either way, a page shows
    the same rows with the same password column."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(users["gb"])
    client.get(LIST)
    for query in ({"per_page": 3}, {"per_page": 3, "page": 2}, {"per_page": 3, "name": "商务"}):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, query)
        counted = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
        ids = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "orgtree_filerunit"."id" AS')]
        assert (counted or "name" not in query) and not [sql for sql in counted + ids if "accounts_user" in sql], \
            (query, counted, ids)  # (the unfiltered count is kept: test_the_unfiltered_count_is_kept_until_units_change)
        rows = [row["obj"] for row in response.context["rows"]]
        assert rows and all(row.login_id == row.user.pk and row.password_state for row in rows), query


def read_xlsx(response):
    content = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_export_all_matches_the_filtered_list_and_writes_formulas_as_text(client, users, login, filers, tree):
    make_filer(tree["110108"], '=HYPERLINK("x")', 3)
    login(users["l1"])
    page = client.get(LIST, {"org2": "110108", "per_page": 50})
    sheet = export_all(client, LIST, {"org2": "110108"}).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, body = rows[0], rows[1:]
    assert header[:2] == ["部门", "所属组织单位"]
    assert "新媒体工作负责人姓名" in header and "用户名" in header and "密码" not in header
    code_col = header.index("用户名")
    assert {r[code_col] for r in body} == codes_in(page)
    names = {r[0] for r in body}
    assert '=HYPERLINK("x")' in names
    # Typed as a string cell, not a formula (openpyxl would read a formula back as its text too).
    cell = next(c for c in sheet["A"] if c.value == '=HYPERLINK("x")')
    assert cell.data_type == "s"
    by_code = {r[code_col]: r for r in body}
    assert by_code["110108M002"][header.index("账号数量")] == 1
    assert by_code["110108M002"][header.index("区县/地方部门")] is None
    assert by_code["110108M002"][header.index("市/省局")] == "海淀区"
    assert by_code["110108M002"][header.index("省/部")] == "北京市"


def test_export_selected_keeps_to_the_ticked_rows_inside_the_scope(client, users, login, filers):
    login(users["l1"])
    ids = [filers["bj_commerce"].pk, filers["hd_yanyuan"].pk, filers["tj"].pk]  # the last is foreign
    rows = read_xlsx(client.post(LIST, {"ids": ids}))
    assert sorted(r[0] for r in rows[1:]) == sorted(["北京市商务局", "海淀区燕园街道办事处"])
    response = client.post(LIST, {})
    assert response.status_code == 302  # nothing ticked: nothing exported
    html = client.get(LIST).content.decode()
    assert re.search(r'<button[^>]*data-requires-selection disabled[^>]*>仅导出所选项</button>', html)


def test_column_choice_is_remembered_per_user(client, users, login, filers):
    login(users["l1"])
    def groups(response):
        return [cell.get("group") for row in response.context["header"] for cell in row if cell.get("group")]

    assert groups(client.get(LIST)) == ["新媒体工作负责人", "新媒体工作联系人"]
    client.post(reverse("lists:columns", args=["filer_units"]), {"columns": ["code", "media_count"], "next": LIST})
    response = client.get(LIST)
    assert [c.key for c in response.context["columns"]] == ["name", "media_count", "code"]
    assert groups(response) == []
    login(users["org"])  # another user keeps the defaults
    assert groups(client.get(LIST)) == ["新媒体工作负责人", "新媒体工作联系人"]
    assert client.post(reverse("lists:columns", args=["no_such_list"]), {"columns": ["x"]}).status_code == 404


def test_sorting_and_page_size(client, users, login, filers):
    login(users["gb"])
    names = [row["obj"].name for row in client.get(LIST, {"sort": "media_count", "per_page": 50}).context["rows"]]
    assert names[-1] == "北京市商务局"
    names = [row["obj"].name for row in client.get(LIST, {"sort": "-media_count"}).context["rows"]]
    assert names[0] == "北京市商务局"
    response = client.get(LIST, {"per_page": 7})  # not an offered size: the default
    assert response.context["per_page"] == 20
    assert client.get(LIST, {"sort": "password"}).status_code == 200  # unsortable: ignored


def test_deleted_units_stay_listed_with_their_status(client, users, login, filers):
    login(users["l1"])
    client.post(reverse("filer_units:delete", args=[filers["bj_police"].pk]), {"reason": "撤销"})
    assert FilerUnit.objects.get(pk=filers["bj_police"].pk).status == "deleted"
    assert codes_in(client.get(LIST, {"status": "deleted"})) == {"110000M002"}


def test_the_unfiltered_count_is_kept_until_units_change(client, users, login, filers, tree):
    """共 N 条记录 of the list as it opens is kept per viewer (accounts.filer_counts): no COUNT on the
    next views; a unit added (and a subtree moved) counts again; each unit keeps its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orgtree.services import move_org_unit

    def total(user, **query):
        login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, query)
        counted = [q for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
        return response.context["page"].paginator.count, len(counted)

    assert total(users["l1"])[0] == 5
    assert total(users["l1"]) == (5, 0)  # kept
    assert total(users["l1_other"])[0] == 2  # 天津市's own
    assert total(users["l1"], name="商务") == (1, 1)  # a filtered list is counted
    make_filer(tree["110108"], "海淀区新设单位", 9)
    assert total(users["l1"]) == (6, 1) and total(users["l1_other"]) == (2, 1)
    move_org_unit(tree["110105"], tree["120000"])  # 朝阳区 hung under 天津市
    assert total(users["l1"]) == (5, 1) and total(users["l1_other"]) == (3, 1)


def test_units_read_by_id_keep_to_the_viewers_subtree_and_to_org_logins(rf, users, filers):
    """The page's rows by id (ListSpec.rows_by_id) come through the viewer's own subtree: another
    province's unit reads nothing, and a login of another kind (a filer unit's) reads no unit."""
    from accounts.filer_lists import filer_units_by_id

    def read(user, ids):
        request = rf.get(LIST)
        request.user = user
        return {row.code for row in filer_units_by_id(request, ids)}

    ids = [filers["hd_yanyuan"].pk, filers["tj"].pk, filers["bj_commerce"].pk]
    assert read(users["org"], ids) == {"110108M002"}
    assert read(users["l1"], ids) == {"110108M002", "110000M001"}
    assert read(users["l1_other"], ids) == {"120101M002"}
    assert read(filers["hd_yanyuan"].user, ids) == set()
