from django.urls import reverse

from orgtree.models import FilerUnit, OrgUnit


def test_ops_staff_find_units_by_code_and_filter_by_level(client, users, login):
    login(users["ops"])
    response = client.get(reverse("admin:orgtree_orgunit_changelist"), {"q": "110108"})
    assert response.status_code == 200
    assert [u.code for u in response.context["cl"].result_list] == ["110108"]
    response = client.get(reverse("admin:orgtree_orgunit_changelist"), {"level": 1})
    assert {u.code for u in response.context["cl"].result_list} == {"110000", "120000", "130000", "bm2900", "bm3400"}


def test_changing_the_parent_code_in_the_admin_moves_the_subtree(client, users, login, tree):
    login(users["ops"])
    url = reverse("admin:orgtree_orgunit_change", args=[tree["130100"].pk])
    page = client.get(url).content.decode()
    assert 'value="130000"' in page and "/GB0000/130000/130100/" in page  # the path is shown read-only
    response = client.post(url, {"code": "130100", "name": "石家庄市", "kind": "region", "parent_code": "120000",
                                 "is_active": "on", "contact_person": "", "contact_phone": "", "contact_email": ""})
    assert response.status_code == 302
    assert OrgUnit.objects.get(code="130102").path == "/GB0000/120000/130100/130102/"
    response = client.post(url, {"code": "130100", "name": "石家庄市", "kind": "region", "parent_code": "130102",
                                 "is_active": "on"})
    assert "不能挂接到自己或自己的下级单位下" in response.content.decode()
    response = client.post(url, {"code": "130100", "name": "石家庄市", "kind": "region", "parent_code": "999999",
                                 "is_active": "on"})
    assert "组织单位代码 999999 不存在" in response.content.decode()


def test_ops_staff_add_a_unit_by_parent_code(client, users, login, tree):
    login(users["ops"])
    response = client.post(reverse("admin:orgtree_orgunit_add"), {
        "code": "110109", "name": "门头沟区", "kind": "region", "parent_code": "110000", "is_active": "on"})
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="110109")
    assert (unit.parent.code, unit.level, unit.path) == ("110000", 2, "/GB0000/110000/110109/")


def test_filer_units_and_users_in_the_admin(client, users, login):
    login(users["ops"])
    response = client.get(reverse("admin:orgtree_filerunit_changelist"), {"q": "110108M001"})
    assert [f.code for f in response.context["cl"].result_list] == ["110108M001"]
    filer = FilerUnit.objects.get(code="110108M001")
    assert client.get(reverse("admin:orgtree_filerunit_change", args=[filer.pk])).status_code == 200
    assert client.get(reverse("admin:orgtree_filerunit_add")).status_code == 403
    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "110000"})
    assert [u.username for u in response.context["cl"].result_list] == ["110000"]


def test_adding_an_existing_code_in_another_case_is_refused(client, users, login):
    login(users["ops"])
    response = client.post(reverse("admin:orgtree_orgunit_add"), {
        "code": "BM2900", "name": "重复", "kind": "ministry", "parent_code": "GB0000", "is_active": "on"})
    assert response.status_code == 200 and "组织单位代码 BM2900 已存在" in response.content.decode()
    assert OrgUnit.objects.filter(code__iexact="bm2900").count() == 1
