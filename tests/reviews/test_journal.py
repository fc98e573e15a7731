"""Every action of issue #14 item 3 leaves one journal entry: who (user and unit), from which
address, what, on what, old → new. The requests go through the real views, so the address is
the one the middleware and django-axes read (REMOTE_ADDR, or X-Forwarded-For under PROXY_COUNT)."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from accounts import sms
from orgtree.models import FilerUnit, OrgUnit
from reports.models import Notice
from reviews.models import JournalEntry
from tests.factories import PASSWORD, totp_token, verify_otp

ADDR = "198.51.100.23"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def last(action, **filters) -> JournalEntry:
    entry = JournalEntry.objects.filter(action=action, **filters).order_by("-id").first()
    assert entry is not None, f"no journal entry {action}"
    return entry


def changes(entry) -> dict:
    return {c["field"]: (c["old"], c["new"]) for c in entry.changes}


@pytest.fixture
def as_user(users):
    """A client logged in as `user`, sending its requests from ADDR."""

    def _client(user):
        client = Client(REMOTE_ADDR=ADDR)
        client.force_login(user)
        if user.is_staff:
            verify_otp(client, user)  # the ops admin asks for its second factor
        return client

    return _client


class TestFilerUnits:
    def test_create(self, users, as_user):
        client = as_user(users["l1"])
        client.post("/filer-units/add/", {"tier": 2, "org_unit": "110108", "name": "海淀区教育委员会"})
        filer = FilerUnit.objects.get(name="海淀区教育委员会")
        entry = last("filer_create")
        assert (entry.subject_type, entry.subject_id, entry.actor, entry.actor_unit_code, entry.actor_unit_name) == (
            "filer_unit", filer.pk, users["l1"], "110000", "北京市")
        assert entry.ip_address == ADDR and entry.action_label == "添加填报单位"
        assert changes(entry)["name"] == ("", "海淀区教育委员会")
        assert changes(entry)["org_unit"] == ("", "海淀区（110108）")
        assert entry.scope_path == "/GB0000/110000/110108/" and entry.status_after == "正常"

    def test_rename(self, users, as_user):
        filer = users["filer"].filer_unit
        as_user(users["org"]).post(reverse("filer_units:rename", args=[filer.pk]), {"name": "海淀区上庄镇人民政府"})
        entry = last("filer_rename", subject_id=filer.pk)
        assert (entry.actor, entry.actor_unit_code, entry.ip_address) == (users["org"], "110108", ADDR)
        assert changes(entry) == {"name": ("海淀区上庄镇政府", "海淀区上庄镇人民政府")}
        assert entry.changes[0]["label"] == "填报单位全称"

    def test_password_reset(self, users, as_user):
        filer = users["filer"].filer_unit
        as_user(users["org"]).post(reverse("filer_units:reset_password", args=[filer.pk]))
        entry = last("filer_password_reset", subject_id=filer.pk)
        assert (entry.actor, entry.actor_unit_name, entry.ip_address, entry.action_label) == (
            users["org"], "海淀区", ADDR, "重置密码")
        assert "已重置" in changes(entry)["password"][1]
        assert PASSWORD not in str(entry.changes) and "pbkdf2" not in str(entry.changes)

    def test_delete_with_reason(self, users, as_user):
        filer = users["filer"].filer_unit
        as_user(users["org"]).post(reverse("filer_units:delete", args=[filer.pk]), {"reason": "机构撤并"})
        entry = last("filer_delete", subject_id=filer.pk)
        assert (entry.actor, entry.reason, entry.status_before, entry.status_after, entry.ip_address) == (
            users["org"], "机构撤并", "正常", "已删除", ADDR)


class TestOrgUnitsInTheAdmin:
    def post(self, client, unit, **values):
        data = {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent_code": unit.parent.code,
                "is_active": "on", "contact_person": "", "contact_phone": "", "contact_email": "", **values}
        return client.post(reverse("admin:orgtree_orgunit_change", args=[unit.pk]), data)

    def test_create(self, users, as_user):
        as_user(users["ops"]).post(reverse("admin:orgtree_orgunit_add"), {
            "code": "110109", "name": "门头沟区", "kind": "region", "parent_code": "110000", "is_active": "on"})
        unit = OrgUnit.objects.get(code="110109")
        entry = last("org_create", subject_id=unit.pk)
        assert (entry.actor, entry.actor_unit_name, entry.ip_address) == (users["ops"], "运维人员", ADDR)
        assert changes(entry)["parent"] == ("", "北京市（110000）") and entry.scope_path == unit.path

    def test_rename(self, users, as_user, tree):
        self.post(as_user(users["ops"]), tree["110108"], name="海淀新区")
        entry = last("org_rename", subject_id=tree["110108"].pk)
        assert changes(entry) == {"name": ("海淀区", "海淀新区")} and entry.ip_address == ADDR
        assert entry.action_label == "修改组织单位名称"

    def test_other_edits(self, users, as_user, tree):
        self.post(as_user(users["ops"]), tree["110108"], contact_person="王五", is_active="")
        entry = last("org_edit", subject_id=tree["110108"].pk)
        assert changes(entry) == {"contact_person": ("", "王五"), "is_active": ("启用", "停用")}

    def test_move_with_old_and_new_parent(self, users, as_user, tree):
        self.post(as_user(users["ops"]), tree["130102"], parent_code="110000")
        entry = last("org_move", subject_id=tree["130102"].pk)
        assert changes(entry)["parent"] == ("石家庄市（130100）", "北京市（110000）")
        assert changes(entry)["path"] == ("/GB0000/130000/130100/130102/", "/GB0000/110000/130102/")
        assert (entry.actor, entry.ip_address, entry.scope_path) == (users["ops"], ADDR, "/GB0000/110000/130102/")
        assert entry.data == {"old_parent": "130100", "new_parent": "110000"}
        assert not JournalEntry.objects.filter(action="org_edit", subject_id=tree["130102"].pk).exists()


class TestOpsEditsInTheAdmin:
    def test_the_run_status_goes_through_its_own_table_with_one_entry(self, users, as_user, tree):
        """例外 on a website's 运行状态: the admin applies the run-status table (branch guards), the
        engine journals it with the ops user and the address; the admin mixin writes no second entry."""
        from tests.factories import make_website

        website = make_website(tree["110108"], "haidian-edu", filing="done", site_code="1101080009")
        as_user(users["ops"]).post(reverse("admin:websites_website_run_status", args=[website.pk, "mark_exception"]),
                                   {"reason": "国办通知", "version": website.version})
        website.refresh_from_db()
        assert website.run_status == "exception"
        entries = JournalEntry.objects.filter(subject_type="website", subject_id=website.pk)
        assert [(e.action, e.actor, e.ip_address, e.status_after) for e in entries] == [
            ("mark_exception", users["ops"], ADDR, "例外")]

    def test_a_user_edit(self, users, as_user):
        target = users["org"]
        client = as_user(users["ops"])
        client.post(reverse("admin:accounts_user_change", args=[target.pk]), {
            "username": target.username, "kind": "org", "org_unit": target.org_unit_id, "is_active": "",
            "must_change_password": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})
        entry = last("ops_edit", subject_type="user", subject_id=target.pk)
        assert changes(entry)["is_active"] == ("是", "否") and changes(entry)["must_change_password"] == ("否", "是")
        assert (entry.actor, entry.actor_unit_name, entry.ip_address, entry.scope_path) == (
            users["ops"], "运维人员", ADDR, "/GB0000/110000/110108/")

    def test_a_filer_unit_edit(self, users, as_user):
        filer = users["filer"].filer_unit
        data = {f: getattr(filer, f) for f in ["name", "head_name", "head_title", "head_mobile", "head_landline",
                                               "contact_name", "contact_title", "contact_mobile", "contact_landline"]}
        as_user(users["ops"]).post(reverse("admin:orgtree_filerunit_change", args=[filer.pk]),
                                   {**data, "contact_name": "赵六"})
        entry = last("ops_edit", subject_type="filer_unit", subject_id=filer.pk)
        assert changes(entry) == {"contact_name": ("李娜", "赵六")} and entry.changes[0]["label"] == "联系人姓名"
        assert entry.scope_path == "/GB0000/110000/110108/"

    def test_an_unchanged_save_writes_nothing(self, users, as_user):
        filer = users["filer"].filer_unit
        data = {f: getattr(filer, f) for f in ["name", "head_name", "head_title", "head_mobile", "head_landline",
                                               "contact_name", "contact_title", "contact_mobile", "contact_landline"]}
        as_user(users["ops"]).post(reverse("admin:orgtree_filerunit_change", args=[filer.pk]), data)
        assert not JournalEntry.objects.filter(action="ops_edit").exists()

    def test_an_ops_password_reset(self, users, as_user):
        target = users["org"]
        as_user(users["ops"]).post(reverse("admin:auth_user_password_change", args=[target.pk]) if False else
                                   f"/ops-admin/accounts/user/{target.pk}/password/",
                                   {"password1": "Reset#2026x", "password2": "Reset#2026x", "usable_password": "true"})
        target.refresh_from_db()
        assert target.check_password("Reset#2026x")
        entry = last("password_reset_ops", subject_id=target.pk)
        assert (entry.actor, entry.ip_address, entry.action_label) == (users["ops"], ADDR, "运维重置密码")
        assert "Reset#2026x" not in str(entry.changes)


class TestPasswords:
    def test_change(self, users, as_user):
        client = as_user(users["org"])
        client.post("/settings/password/", {"old_password": PASSWORD, "new_password1": "Haidian#2027",
                                            "new_password2": "Haidian#2027"})
        entry = last("password_change", subject_id=users["org"].pk)
        assert (entry.subject_type, entry.actor, entry.actor_unit_code, entry.ip_address) == (
            "user", users["org"], "110108", ADDR)
        assert "Haidian#2027" not in str(entry.changes) and changes(entry)["password"] == ("", "已修改")

    def test_forgot_password_by_sms(self, users):
        sms.outbox.clear()
        client = Client(REMOTE_ADDR=ADDR)
        client.post("/forgot-password/", {"username": "110108M001"})
        client.post("/forgot-password/sms/", {"mobile": "13900000002"})
        code = re.search(r"(\d{6})", sms.outbox[-1].message).group(1)
        client.post("/forgot-password/", {"mobile": "13900000002", "sms_code": code})
        client.post("/forgot-password/", {"new_password1": "Shangzhuang#1", "new_password2": "Shangzhuang#1"})
        entry = last("password_forgot", subject_id=users["filer"].pk)
        assert (entry.actor, entry.actor_unit_code, entry.ip_address, entry.action_label) == (
            users["filer"], "110108M001", ADDR, "找回密码")
        sms.outbox.clear()


class TestLogins:
    def test_success(self, users):
        Client(REMOTE_ADDR=ADDR).post("/", {"role": "org", "username": "110108", "password": PASSWORD})
        entry = last("login_success", subject_id=users["org"].pk)
        assert (entry.actor, entry.actor_unit_code, entry.ip_address, entry.action_label) == (
            users["org"], "110108", ADDR, "登录成功")

    def test_failure_names_the_account_tried_but_no_actor(self, users):
        Client(REMOTE_ADDR=ADDR).post("/", {"role": "org", "username": "110108", "password": "wrong-Pass1"})
        entry = last("login_failure")
        assert (entry.subject_type, entry.subject_id, entry.actor, entry.actor_unit_code, entry.ip_address) == (
            "user", users["org"].pk, None, "", ADDR)
        assert "wrong-Pass1" not in str(entry.__dict__)

    def test_failure_for_an_unknown_username(self, users):
        Client(REMOTE_ADDR=ADDR).post("/", {"role": "org", "username": "999999", "password": "wrong-Pass1"})
        entry = last("login_failure")
        assert (entry.subject_id, entry.subject_label, entry.ip_address) == (0, "999999", ADDR)
        # Ops find it in the admin by the name tried, or by the address.
        client = Client()
        client.force_login(users["ops"])
        verify_otp(client, users["ops"])
        for term in ("999999", ADDR):
            found = client.get("/ops-admin/reviews/journalentry/", {"q": term}).context["cl"].result_list
            assert entry in list(found), term

    @override_settings(AXES_FAILURE_LIMIT=3, LOGIN_CAPTCHA_AFTER=100)
    def test_lockout(self, users):
        client = Client(REMOTE_ADDR=ADDR)
        for _ in range(3):
            client.post("/", {"role": "org", "username": "110108", "password": "wrong-Pass1"})
        entry = last("login_lockout")
        assert (entry.subject_id, entry.ip_address, entry.action_label) == (users["org"].pk, ADDR, "登录锁定")
        assert JournalEntry.objects.filter(action__in=["login_failure", "login_lockout"]).count() == 3

    def test_the_ops_admin_login_too(self, users):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=users["ops"], name="测试", confirmed=True)
        token = totp_token(device)
        Client(REMOTE_ADDR=ADDR).post("/ops-admin/login/", {"username": "ops", "password": PASSWORD, "otp_token": token})
        entry = last("login_success", subject_id=users["ops"].pk)
        assert (entry.actor, entry.actor_unit_name, entry.ip_address) == (users["ops"], "运维人员", ADDR)
        Client(REMOTE_ADDR=ADDR).post("/ops-admin/login/", {"username": "ops", "password": "wrong-Pass1", "otp_token": token})
        assert last("login_failure").subject_id == users["ops"].pk

    @override_settings(PROXY_COUNT=1)
    def test_behind_one_proxy_the_address_it_saw_is_recorded(self, users):
        # The client forged a header; the proxy appended the address it really saw.
        Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9").post(
            "/", {"role": "org", "username": "110108", "password": PASSWORD})
        assert last("login_success").ip_address == "203.0.113.9"

    @override_settings(PROXY_COUNT=2)
    def test_behind_two_proxies(self, users):
        Client(REMOTE_ADDR="10.0.0.6", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.5").post(
            "/", {"role": "org", "username": "110108", "password": "wrong-Pass1"})
        assert last("login_failure").ip_address == "203.0.113.9"

    def test_without_a_proxy_setting_a_forged_header_is_ignored(self, users):
        Client(REMOTE_ADDR=ADDR, HTTP_X_FORWARDED_FOR="203.0.113.9").post(
            "/", {"role": "org", "username": "110108", "password": PASSWORD})
        assert last("login_success").ip_address == ADDR


class TestReportsAndNotices:
    def test_submit_and_replace_the_document(self, users, as_user, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client = as_user(users["l1"])
        client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 1})
        from reports.models import SpotCheckReport

        report = SpotCheckReport.objects.get()
        client.post(f"/spot-checks/{report.pk}/document/", {"document": SimpleUploadedFile("一季度.pdf", PDF)})
        first = last("report_document", subject_id=report.pk)
        assert (first.action_label, changes(first)["document_name"]) == ("上传季度报告", ("", "一季度.pdf"))
        client.post(f"/spot-checks/{report.pk}/document/", {"document": SimpleUploadedFile("一季度（修订）.pdf", PDF)})
        second = last("report_document", subject_id=report.pk)
        assert second.action_label == "替换季度报告"
        assert changes(second)["document_name"] == ("一季度.pdf", "一季度（修订）.pdf")
        client.post(f"/spot-checks/{report.pk}/header/", {"filler_name": "张填表", "filler_phone": "010-65190000",
                                                            "checked_count": 10, "failed_count": 1})
        client.post(f"/spot-checks/{report.pk}/submit/")
        entry = last("report_submit", subject_id=report.pk)
        assert (entry.actor, entry.actor_unit_code, entry.ip_address, entry.status_before, entry.status_after) == (
            users["l1"], "110000", ADDR, "未提交", "已提交")
        assert entry.scope_path == "/GB0000/110000/"

    def test_send_then_read_and_download_receipts(self, users, as_user, tree, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        gb = as_user(users["gb"])
        gb.post("/notices/new/", {"title": "关于核查的通知", "menu_label": "待核查账号", "body": "请核查。",
                                  "recipients": [tree["110000"].pk]})
        notice = Notice.objects.get()
        gb.post(f"/notices/{notice.pk}/attachments/", {"file": SimpleUploadedFile("名单.pdf", PDF)})
        gb.post(f"/notices/{notice.pk}/send/")
        sent = last("notice_send", subject_id=notice.pk)
        assert (sent.actor, sent.actor_unit_code, sent.ip_address, sent.status_after) == (users["gb"], "GB0000", ADDR, "已下发")
        assert changes(sent)["recipients"] == ("", "北京市") and sent.data == {"recipients": ["110000"]}
        beijing = as_user(users["l1"])
        beijing.get(f"/notices/{notice.pk}/")
        beijing.get(f"/notices/{notice.pk}/")  # the receipt is the first opening
        opened = JournalEntry.objects.filter(action="notice_open", subject_id=notice.pk)
        assert [(e.actor, e.actor_unit_code, e.ip_address) for e in opened] == [(users["l1"], "110000", ADDR)]
        beijing.get(f"/notices/attachments/{notice.attachments.get().pk}/")
        downloaded = last("notice_download", subject_id=notice.pk)
        assert (downloaded.actor, downloaded.ip_address, downloaded.action_label) == (users["l1"], ADDR, "下载通知附件")


def test_engine_transitions_carry_the_address_too(users, as_user, tree):
    """The review engine's entries (流水) get the request's address and the subject's org path."""
    client = as_user(users["filer"])
    client.post("/media/add/", {})  # an invalid form writes nothing
    from accounts_media.workflow import WORKFLOW
    from accounts_media.models import MediaAccount
    from reviews import journal

    class Request:  # the middleware's context, as a view would have it
        META = {"REMOTE_ADDR": ADDR}
        user = users["filer"]

    token = journal._current_request.set(Request())
    try:
        account = WORKFLOW.apply(MediaAccount(filer_unit=users["filer"].filer_unit), "save_draft", users["filer"], {
            "operator": "上庄镇", "account_type": "WB", "url": "https://weibo.com/u/1234567890", "platform_id": "1234567890",
            "name": "上庄发布", "represents_government": False, "func_publish": True})
    finally:
        journal._current_request.reset(token)
    entry = last("save_draft", subject_id=account.pk)
    assert (entry.ip_address, entry.scope_path, entry.subject_label) == (ADDR, "/GB0000/110000/110108/", str(account))
