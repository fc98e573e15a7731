import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from accounts import crypto
from accounts.filer_services import FilerUnitError, create_filer_unit
from accounts.filer_workflow import delete_filer_unit
from accounts.models import User
from orgtree.models import FilerUnit
from tests.conftest import requires_postgres
from tests.factories import PASSWORD

ADD = "/filer-units/add/"


def add(client, tier, org_code, name):
    return client.post(ADD, {"tier": tier, "org_unit": org_code, "name": name})


def test_an_l1_unit_adds_a_filer_unit_under_a_district_and_sees_code_and_password(client, users, login):
    login(users["l1"])
    response = add(client, 2, "110108", "海淀区教育委员会")
    filer = FilerUnit.objects.get(name="海淀区教育委员会")
    assert response.status_code == 302 and response["Location"] == reverse("filer_units:created", args=[filer.pk])
    assert filer.code == "110108M002"  # 110108M001 exists already (the fixture's filer)
    assert filer.org_unit.code == "110108" and filer.status == FilerUnit.Status.ACTIVE
    page = client.get(response["Location"]).content.decode()
    user = User.objects.get(username="110108M002")
    shown = crypto.decrypt(user.initial_password_encrypted)
    assert shown and user.check_password(shown)
    assert "110108M002" in page and shown in page


def _assert_nowhere_in_plain_text(secret):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'" if connection.vendor == "postgresql"
                       else "SELECT name FROM sqlite_master WHERE type = 'table'")
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                assert not any(isinstance(v, str) and secret in v for v in row), table


def test_no_password_is_ever_stored_in_plain_text(client, users, login):
    login(users["l1"])
    add(client, 1, "110000", "北京市商务局")
    user = User.objects.get(username="110000M001")
    initial = crypto.decrypt(user.initial_password_encrypted)
    _assert_nowhere_in_plain_text(initial)
    filer = user.filer_unit
    login(users["l1"])
    one_time = client.post(reverse("filer_units:reset_password", args=[filer.pk])).context["password"]
    _assert_nowhere_in_plain_text(one_time)
    from django.test import Client

    other = Client()
    other.post("/", {"role": "filer", "username": "110000M001", "password": one_time})
    other.post("/settings/password/", {"old_password": one_time, "new_password1": "Commerce#2027", "new_password2": "Commerce#2027"})
    assert User.objects.get(pk=user.pk).check_password("Commerce#2027")
    _assert_nowhere_in_plain_text("Commerce#2027")


def test_a_foreign_unit_cannot_open_the_created_page(client, users, login):
    login(users["l1"])
    add(client, 1, "110000", "北京市统计局")
    filer = FilerUnit.objects.get(name="北京市统计局")
    login(users["l1_other"])
    assert client.get(reverse("filer_units:created", args=[filer.pk])).status_code == 404


def test_codes_follow_the_org_and_are_never_reused(users, tree):
    creator = users["l1"]
    first, _ = create_filer_unit(creator, tree["110105"], "朝阳区商务局")
    second, _ = create_filer_unit(creator, tree["110105"], "朝阳区教育委员会")
    assert (first.code, second.code) == ("110105M001", "110105M002")
    delete_filer_unit(_org_user(tree["110105"]), second, "机构撤并")
    third, _ = create_filer_unit(creator, tree["110105"], "朝阳区教育委员会")  # the name is free again
    assert third.code == "110105M003"


def _org_user(unit):
    return User.objects.create_user(unit.code, PASSWORD, kind=User.Kind.ORG, org_unit=unit)


def test_only_l1_units_add_and_only_inside_their_subtree(client, users, login, tree):
    login(users["org"])
    assert client.get(ADD).status_code == 403
    assert add(client, 1, "110108", "海淀区某局").status_code == 403
    login(users["l1"])
    response = add(client, 2, "120101", "和平区某局")  # another province
    assert "不在本单位管理范围内" in response.content.decode()
    response = add(client, 1, "110108", "海淀区某局")  # 省直 is Beijing itself, not a district
    assert "不在该级别" in response.content.decode()
    assert not FilerUnit.objects.filter(name__contains="某局").exists()
    with pytest.raises(FilerUnitError):
        create_filer_unit(users["org"], tree["110108"], "绕过界面的添加")


def test_a_taken_name_is_refused(client, users, login):
    login(users["l1"])
    response = add(client, 2, "110105", "海淀区上庄镇政府")
    assert "已存在，不能重复添加" in response.content.decode()
    assert FilerUnit.objects.filter(name="海淀区上庄镇政府").count() == 1


def test_ministry_tiers_use_the_manual_words(client, users, login):
    login(users["ministry"])
    html = client.get(ADD).content.decode()
    for label in ("国务院部委组织单位", "省级垂直管理机构组织单位", "地市级（及以下）垂直管理机构组织单位"):
        assert label in html
    data = client.get(reverse("filer_units:attachable"), {"tier": 2}).json()
    assert data["units"] == [{"code": "bm2904", "name": "山西省税务局"}]
    response = add(client, 2, "bm2904", "山西省税务局办公室")
    assert response.status_code == 302
    assert FilerUnit.objects.get(name="山西省税务局办公室").code == "bm2904M001"


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_under_one_org_get_distinct_codes():
    from tests.factories import make_org_user, make_small_tree

    tree = make_small_tree()
    creator = make_org_user(tree["110000"])
    codes, errors = [], []
    barrier = threading.Barrier(8)

    def work(i):
        try:
            barrier.wait()
            filer, _ = create_filer_unit(User.objects.get(pk=creator.pk), tree["110108"], f"并发测试单位{i}")
            codes.append(filer.code)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(codes) == [f"110108M{n:03d}" for n in range(1, 9)]


def test_password_protection_initial_then_changed_then_reset(client, users, login, tree):
    l1 = users["l1"]
    filer, password = create_filer_unit(l1, tree["110108"], "海淀区燕园街道办事处")
    for viewer in ("gb", "l1", "org"):
        login(users[viewer])
        assert password in client.get("/filer-units/").content.decode(), viewer
    login(users["l1_other"])
    assert filer.code not in client.get("/filer-units/").content.decode()

    # The filer unit changes its password: supervisors now see 已修改.
    filer_user = User.objects.get(filer_unit=filer)
    from accounts.services import change_password

    change_password(filer_user, "Yanyuan#2027")
    filer_user.refresh_from_db()
    assert filer_user.initial_password_encrypted == ""
    login(users["l1"])
    html = client.get("/filer-units/", {"code": filer.code}).content.decode()
    assert "已修改" in html and password not in html

    # 重置密码: a one-time password, shown once, forced change at next login.
    response = client.post(reverse("filer_units:reset_password", args=[filer.pk]))
    one_time = response.context["password"]
    assert one_time in response.content.decode()
    filer_user.refresh_from_db()
    assert filer_user.check_password(one_time) and filer_user.must_change_password
    html = client.get("/filer-units/", {"code": filer.code}).content.decode()
    assert one_time not in html and "已重置" in html
    # Another province cannot reset it, whatever URL it types.
    login(users["l1_other"])
    assert client.post(reverse("filer_units:reset_password", args=[filer.pk])).status_code == 404


def test_a_filer_unit_cannot_open_the_management_pages(client, users, login):
    login(users["filer"])
    filer = users["filer"].filer_unit
    for url in ("/filer-units/", ADD, reverse("filer_units:rename", args=[filer.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("filer_units:delete", args=[filer.pk]), {"reason": "x"}).status_code == 403


def test_rename_by_the_own_org_unit_or_the_l1_unit(client, users, login):
    filer = users["filer"].filer_unit
    login(users["org_other"])
    assert client.post(reverse("filer_units:rename", args=[filer.pk]), {"name": "新名称"}).status_code == 404
    login(users["gb"])
    html = client.post(reverse("filer_units:rename", args=[filer.pk]), {"name": "国办改名"}).content.decode()
    assert "仅填报单位所属的组织单位" in html
    login(users["l1"])
    assert client.post(reverse("filer_units:rename", args=[filer.pk]), {"name": "海淀区上庄镇政府（北京改）"}).status_code == 302
    login(users["org"])
    response = client.post(reverse("filer_units:rename", args=[filer.pk]), {"name": "海淀区上庄镇人民政府"})
    assert response.status_code == 302
    filer.refresh_from_db()
    assert filer.name == "海淀区上庄镇人民政府" and filer.code == "110108M001"


class TestDelete:
    def delete(self, client, filer, reason="机构改革撤销"):
        return client.post(reverse("filer_units:delete", args=[filer.pk]), {"reason": reason}, follow=True)

    def test_the_direct_org_unit_deletes_with_a_reason_and_the_login_ends(self, client, users, login, password):
        filer = users["filer"].filer_unit
        login(users["org"])
        html = self.delete(client, filer, reason="").content.decode()
        assert "删除原因不能为空" in html
        html = self.delete(client, filer, reason="长" * 101).content.decode()
        assert "删除原因不能超过100字" in html
        filer.refresh_from_db()
        assert filer.is_active
        html = self.delete(client, filer).content.decode()
        assert "已删除填报单位" in html
        filer.refresh_from_db()
        assert (filer.status, filer.delete_reason, filer.deleted_by) == ("deleted", "机构改革撤销", "海淀区（110108）")
        client.logout()
        response = client.post("/", {"role": "filer", "username": filer.code, "password": password})
        assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()

    def test_the_province_above_cannot_delete_a_district_filer(self, client, users, login):
        filer = users["filer"].filer_unit
        login(users["l1"])
        html = self.delete(client, filer).content.decode()
        assert "仅可删除本组织单位直属的填报单位" in html
        filer.refresh_from_db()
        assert filer.is_active
        # The list shows the button disabled, with the reason.
        html = client.get("/filer-units/", {"code": filer.code}).content.decode()
        assert "仅可删除本组织单位直属的填报单位" in html

    def test_a_unit_holding_accounts_cannot_be_deleted(self, client, users, login):
        filer = users["filer"].filer_unit
        FilerUnit.objects.filter(pk=filer.pk).update(account_total=1)
        login(users["org"])
        assert "存在未提交数据" in client.get("/filer-units/").content.decode()
        html = self.delete(client, filer).content.decode()
        assert "存在未提交数据" in html
        filer.refresh_from_db()
        assert filer.is_active

    def test_another_province_gets_404(self, client, users, login):
        login(users["org_other"])
        response = client.post(reverse("filer_units:delete", args=[users["filer"].filer_unit.pk]), {"reason": "x"})
        assert response.status_code == 404
