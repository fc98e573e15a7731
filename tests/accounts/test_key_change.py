"""After a restore with another INITIAL_PASSWORD_KEY (or a key rotation) the stored initial
passwords and 校验码 cannot be decrypted: the pages say so, and the data is kept as it is."""
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import crypto
from accounts.filer_services import create_filer_unit
from accounts.models import User
from websites import services as site_services
from websites.management.commands.load_demo_websites import BASE
from websites.models import Website

KEY_CHANGED = "初始密码无法解密（密钥已变更），请重置密码"


def test_reveal_tells_nothing_stored_from_key_changed(settings):
    token = crypto.encrypt("Pa55#word")
    assert crypto.reveal(token) == ("Pa55#word", False)
    assert crypto.reveal("") == (None, False)
    settings.INITIAL_PASSWORD_KEY = "another-key-after-a-restore"
    assert crypto.reveal(token) == (None, True)
    assert crypto.decrypt(token) is None
    assert crypto.key_changed_message() == KEY_CHANGED


def test_an_undecryptable_initial_password_is_named_not_shown_as_changed(client, users, tree, login, settings):
    filer, password = create_filer_unit(users["l1"], tree["110108"], "海淀区燕园街道办事处")
    stored = User.objects.get(filer_unit=filer).initial_password_encrypted
    settings.INITIAL_PASSWORD_KEY = "another-key-after-a-restore"
    login(users["l1"])
    row = client.get("/filer-units/", {"code": filer.code}).content.decode()
    assert KEY_CHANGED in row and password not in row and "已修改" not in row
    assert "重置密码" in row  # the way out is offered
    page = client.get(reverse("filer_units:created", args=[filer.pk])).content.decode()
    assert KEY_CHANGED in page and "已修改" not in page
    assert User.objects.get(filer_unit=filer).initial_password_encrypted == stored  # kept
    # With the right key back, the password shows again.
    settings.INITIAL_PASSWORD_KEY = settings.SECRET_KEY
    assert password in client.get("/filer-units/", {"code": filer.code}).content.decode()


def test_an_undecryptable_verification_code_is_kept_with_a_message(chain, settings):
    site = site_services.apply({**BASE, "name": "海淀区人民政府网", "homepage": "https://www.bjhd.gov.cn",
                                "org_unit": chain["haidian"].org_unit}, AnonymousUser())
    site_services.perform(site, "submit", chain["haidian"])
    site.refresh_from_db()
    site_services.perform(site, "approve", chain["haidian"], {"result_label": "审核通过"})
    site.refresh_from_db()
    site_services.perform(site, "approve", chain["beijing"],
                          {"result_label": "审核通过", "now": timezone.now() - timedelta(days=2)})
    assert site_services.generate_site_codes() == 1
    stored = Website.objects.get(pk=site.pk).verification_encrypted
    assert stored

    settings.INITIAL_PASSWORD_KEY = "another-key-after-a-restore"
    page = Client().post("/websites/progress/", {"tracking_code": site.tracking_code}).content.decode()
    assert "校验码无法解密（密钥已变更），请联系上级组织单位或系统管理员" in page
    assert "显示过" not in page
    kept = Website.objects.get(pk=site.pk)
    assert (kept.verification_encrypted, kept.verification_shown_at) == (stored, None)

    settings.INITIAL_PASSWORD_KEY = settings.SECRET_KEY
    answer = site_services.progress(site.tracking_code)
    assert len(answer["verification"]) == 8
