from django.core.management import call_command
from django.test import Client

from accounts.models import User
from orgtree.models import FilerUnit


def test_demo_data_gives_every_org_unit_a_login_and_filer_units_around_beijing(tree, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Demo@2026")
    call_command("load_demo")
    call_command("load_demo")  # twice: nothing more
    assert User.objects.filter(kind=User.Kind.ORG).count() == len(tree)
    assert FilerUnit.objects.count() == 9
    for username, role in [("GB0000", "org"), ("110000", "org"), ("110108", "org"), ("bm2900", "org"),
                           ("110108M001", "filer")]:
        response = Client().post("/", {"role": role, "username": username, "password": "Demo@2026"})
        assert response.status_code == 302, username
    pending = FilerUnit.objects.get(name="海淀区教育委员会")
    assert not pending.info_complete
    client = Client()
    client.force_login(User.objects.get(username="110108"))
    html = client.get("/filer-units/", {"code": pending.code}).content.decode()
    assert "Demo@2026" in html  # the initial password, until the unit changes it
