"""The journal's two pages: the ops admin (read-only, filters, search, export) and an org unit's
操作日志 (its subtree's filer units and org units only, whatever URL is typed)."""
import io
from datetime import timedelta

import openpyxl
from django.urls import reverse
from django.utils import timezone

from accounts.filer_services import create_filer_unit, rename_filer_unit, reset_password
from accounts.filer_workflow import delete_filer_unit
from orgtree.services import update_org_unit
from reviews import journal
from reviews.models import JournalEntry
from tests.factories import make_filer

ADMIN = "/ops-admin/reviews/journalentry/"


def seed(users, tree):
    """Entries on both sides: 北京市 (海淀区) and 天津市 (和平区)."""
    haidian_filer = users["filer"].filer_unit
    rename_filer_unit(users["org"], haidian_filer, "海淀区上庄镇人民政府")
    reset_password(users["org"], haidian_filer)
    heping_filer = users["filer_other"].filer_unit
    rename_filer_unit(users["org_other"], heping_filer, "和平区教育和体育局")
    created, _ = create_filer_unit(users["l1_other"], tree["120101"], "和平区卫生健康委员会")
    delete_filer_unit(users["org_other"], created, "重复添加")
    update_org_unit(tree["110108"], user=users["ops"], name="海淀新区")
    update_org_unit(tree["120101"], user=users["ops"], contact_person="王五")
    return haidian_filer, heping_filer


class TestOpsAdmin:
    def test_lists_filters_and_searches(self, client, users, tree, login):
        seed(users, tree)
        login(users["ops"])
        response = client.get(ADMIN)
        assert response.status_code == 200
        rows = list(response.context["cl"].result_list)
        assert rows == sorted(rows, key=lambda e: (e.at, e.id), reverse=True)
        html = response.content.decode()
        assert "修改填报单位全称" in html and "海淀区上庄镇政府 改为: 海淀区上庄镇人民政府" in html

        def codes(**params):
            return [(e.action, e.subject_label) for e in client.get(ADMIN, params).context["cl"].result_list]

        assert [a for a, _ in codes(action="filer_rename")] == ["filer_rename", "filer_rename"]
        # (the tree fixture's units were created through the service, hence journaled too)
        assert {a for a, _ in codes(subject_type="org_unit")} == {"org_create", "org_rename", "org_edit"}
        assert {a for a, _ in codes(unit="120101")} == {"filer_rename", "filer_delete"}  # acted by 和平区
        assert {a for a, _ in codes(scope="110000", subject_type="filer_unit")} == {"filer_rename", "filer_password_reset"}
        assert codes(scope="999999") == []
        # The search resolves what a term names (a unit's name or code, a username, an address).
        assert [a for a, _ in codes(q="和平区卫生健康委员会")] == ["filer_delete", "filer_create"]
        assert {a for a, _ in codes(q="110108M001")} == {"filer_rename", "filer_password_reset"}
        assert {a for a, _ in codes(q="海淀")} >= {"filer_rename", "filer_password_reset", "org_rename", "org_create"}
        assert {a for a, _ in codes(q="120101")} == {"filer_rename", "filer_delete", "org_create", "org_edit"}
        assert codes(q="无此单位") == []
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)  # as the 今天 link sends it
        assert len(codes(**{"at__gte": str(today), "at__lt": str(today + timedelta(days=1))})) == len(codes())
        assert codes(**{"at__gte": str(today + timedelta(days=1))}) == []
        assert 'name="unit"' in html and 'name="scope"' in html  # the typed-in filters

    def test_read_only(self, client, users, tree, login):
        seed(users, tree)
        login(users["ops"])
        entry = JournalEntry.objects.filter(action="filer_rename").first()
        assert client.get(f"{ADMIN}add/").status_code == 403
        page = client.get(f"{ADMIN}{entry.pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        client.post(f"{ADMIN}{entry.pk}/change/", {"action_label": "篡改"})
        assert client.post(f"{ADMIN}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        entry.refresh_from_db()
        assert entry.action_label == "修改填报单位全称"

    def test_only_ops_staff(self, client, users, tree, login):
        login(users["gb"])
        response = client.get(ADMIN)
        assert response.status_code == 302 and "/ops-admin/login/" in response["Location"]

    def test_export_reads_back_cell_by_cell(self, client, users, tree, login):
        seed(users, tree)
        login(users["ops"])
        entries = JournalEntry.objects.filter(action__in=["filer_rename", "filer_delete"]).order_by("-at", "-id")
        response = client.post(ADMIN, {"action": "export_xlsx", "_selected_action": [e.pk for e in entries]})
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = book["操作日志"]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:8] == ("时间", "操作单位代码", "操作单位", "操作用户", "来源地址", "对象类型", "对象", "操作")
        assert len(rows) == 1 + entries.count()
        first = entries[0]
        assert rows[1][1:3] == (first.actor_unit_code, first.actor_unit_name)
        assert rows[1][5] == "填报单位" and rows[1][7] == first.action_label
        assert rows[1][0] == timezone.localtime(first.at).replace(tzinfo=None, microsecond=0)
        rename = next(r for r in rows[1:] if r[7] == "修改填报单位全称" and r[1] == "110108")
        assert rename[10] == "填报单位全称：海淀区上庄镇政府 改为: 海淀区上庄镇人民政府"
        delete = next(r for r in rows[1:] if r[7] == "删除填报单位")
        assert (delete[8], delete[9], delete[11]) == ("正常", "已删除", "重复添加")

    def test_the_changelist_costs_the_same_queries_for_any_number_of_rows(self, client, users, tree, login,
                                                                           django_assert_max_num_queries):
        login(users["ops"])
        for i in range(3):
            journal.record(users["filer"].filer_unit, "filer_rename", users["org"], before={"name": i}, after={"name": i + 1})
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(ADMIN)
        for i in range(60):
            journal.record(users["filer"].filer_unit, "filer_rename", users["org"], before={"name": i}, after={"name": i + 1})
        with CaptureQueriesContext(connection) as many:
            client.get(ADMIN)
        assert len(many) == len(few)


    def test_the_count_is_capped(self, client, users, tree, login, monkeypatch):
        from reviews.admin import CappedCountPaginator, JournalEntryAdmin

        monkeypatch.setattr(CappedCountPaginator, "CAP", 5)
        monkeypatch.setattr(JournalEntryAdmin, "list_per_page", 2)
        login(users["ops"])
        assert JournalEntry.objects.count() > 5  # the tree's 12 creations
        response = client.get(ADMIN, {"subject_type": "org_unit"})
        changelist = response.context["cl"]
        assert changelist.result_count == 5 and len(changelist.result_list) == 2 and changelist.paginator.num_pages == 3


class TestOrgUnitPage:
    def rows(self, client, **params):
        response = client.get(reverse("journal:org_log"), {"per_page": 100, **params})
        assert response.status_code == 200
        assert response.context["spec"].name == "org_log"  # on the shared list machinery
        return [row["obj"] for row in response.context["rows"]], response.content.decode()

    def test_each_unit_sees_its_subtree_and_never_the_other_side(self, client, users, tree, login):
        haidian_filer, heping_filer = seed(users, tree)
        login(users["l1"])  # 北京市
        entries, html = self.rows(client)
        assert {e.subject_label.split("（")[0] for e in entries} >= {"海淀区上庄镇人民政府", "海淀新区"}
        assert all(e.scope_path.startswith("/GB0000/110000/") for e in entries)
        assert "和平区" not in html and "天津市" not in html
        assert "运维人员" in html and "运维人员（ops）" not in html  # ops staff are not named to org units
        assert {e.action for e in entries} == {"filer_rename", "filer_password_reset", "org_rename", "org_create"}
        assert {e.subject_label for e in entries if e.action == "org_create"} == {
            "北京市（110000）", "海淀区（110108）", "朝阳区（110105）"}  # the label as it read when written

        login(users["l1_other"])  # 天津市
        entries, html = self.rows(client)
        assert {e.action for e in entries} == {"filer_rename", "filer_create", "filer_delete", "org_edit", "org_create"}
        assert "海淀" not in html
        login(users["org"])  # 海淀区 sees its own, not 北京市's other districts
        entries, _ = self.rows(client)
        assert all(e.scope_path.startswith("/GB0000/110000/110108/") for e in entries) and entries
        login(users["gb"])
        entries, _ = self.rows(client)
        assert len(entries) == 7 + len(tree)

    def test_a_typed_foreign_unit_or_filter_shows_nothing(self, client, users, tree, login):
        seed(users, tree)
        login(users["l1"])
        for params in ({"unit": "120101"}, {"unit": "120000"}, {"unit": "GB0000"}, {"keyword": "和平区"},
                       {"unit": "120101", "action": "filer_delete"}, {"scope": "/GB0000/"}):
            entries, html = self.rows(client, **params)
            assert not [e for e in entries if not e.scope_path.startswith("/GB0000/110000/")], params
            assert "和平区" not in html.split("<tbody>")[1].split("</tbody>")[0], params
        entries, _ = self.rows(client, unit="110108", action="filer_rename")
        assert [e.subject_label for e in entries] == ["海淀区上庄镇人民政府（110108M001）"]

    def test_logins_and_engine_entries_are_not_on_this_page(self, client, users, tree, login):
        seed(users, tree)
        client.post("/", {"role": "org", "username": "110108", "password": "wrong-Pass1"})
        login(users["l1"])
        entries, _ = self.rows(client)
        assert {e.subject_type for e in entries} == {"filer_unit", "org_unit"}

    def test_who_may_open_it(self, client, users, login):
        url = reverse("journal:org_log")
        assert client.get(url).status_code == 302  # anonymous → login
        for key in ("filer", "site"):
            login(users[key])
            assert client.get(url).status_code == 403, key

    def test_pages_with_a_capped_count(self, client, users, tree, login, monkeypatch):
        filer = make_filer(tree["110108"], "海淀区测试单位", 7)
        for i in range(55):
            journal.record(filer, "filer_rename", users["org"], before={"name": f"名{i}"}, after={"name": f"名{i + 1}"},
                           scope_path=filer.org_unit.path)
        login(users["org"])
        response = client.get(reverse("journal:org_log"), {"per_page": 50})
        assert len(response.context["rows"]) == 50 and response.context["page"].has_next()
        response = client.get(reverse("journal:org_log"), {"per_page": 50, "page": 2})
        assert len(response.context["rows"]) == 6 and not response.context["page"].has_next()  # and 海淀区's org_create
        assert "上一页" in response.content.decode()
        from reviews.lists import ORG_LOG_LIST

        monkeypatch.setattr(ORG_LOG_LIST, "count_cap", 30)  # a count never walks the whole journal
        response = client.get(reverse("journal:org_log"))
        assert response.context["page"].paginator.count == 30 and "共 30+ 条" in response.content.decode()
