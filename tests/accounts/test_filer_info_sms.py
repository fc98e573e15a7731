import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import sms
from accounts.filer_services import create_filer_unit
from accounts.models import SmsCode, User
from accounts.verification import Purpose, VerificationError, check_code, send_code

INFO = "/settings/unit/"
INFO_SMS = "/settings/unit/sms/"

FILLED = {
    "head_name": "王强", "head_title": "副主任", "head_mobile": "13811112222", "head_landline": "010-62758888",
    "contact_name": "赵敏", "contact_title": "干部", "contact_mobile": "13933334444", "contact_landline": "",
}


@pytest.fixture(autouse=True)
def empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def last_code(mobile):
    message = [m for m in sms.outbox if m.mobile == mobile][-1].message
    return re.search(r"(\d{6})", message).group(1)


NEW_PASSWORD = "Shangzhuang#2026x"


@pytest.fixture
def new_filer(users, tree):
    """A new filer unit through its first login: the initial password changed first (forced),
    then signed in again with the new one — left at the second forced step, 填报单位信息."""
    filer, password = create_filer_unit(users["l1"], tree["110108"], "海淀区上庄镇政府办公室")
    client = Client()
    assert client.post("/", {"role": "filer", "username": filer.code, "password": password}).status_code == 302
    response = client.post("/settings/password/", {"old_password": password, "new_password1": NEW_PASSWORD,
                                                   "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.post("/", {"role": "filer", "username": filer.code, "password": NEW_PASSWORD}).status_code == 302
    return filer, NEW_PASSWORD, client


def test_first_login_asks_for_a_new_password_before_anything_else(users, tree):
    """密码保护机制: the unit above reads the initial password until the filer unit changes it, and
    the first login asks for that change before any page (decision 0025); then 已修改."""
    from accounts.services import password_column

    filer, password = create_filer_unit(users["l1"], tree["110108"], "海淀区上庄镇政府办公室")
    client = Client()
    client.post("/", {"role": "filer", "username": filer.code, "password": password})
    for url in ("/home/", "/media/", "/settings/", INFO):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/settings/password/", url
    html = client.get("/settings/password/").content.decode()
    assert "首次登录，请先修改初始密码" in html and "已修改" in html
    user = User.objects.get(filer_unit=filer)
    assert password_column(user, "shown") == "shown" and user.initial_password_encrypted
    client.post("/settings/password/", {"old_password": password, "new_password1": NEW_PASSWORD,
                                        "new_password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert not user.must_change_password and user.initial_password_encrypted == ""
    assert password_column(user, None) == "已修改"
    beijing = Client()
    beijing.force_login(users["l1"])
    page = beijing.get("/filer-units/", {"code": filer.code}).content.decode()
    assert password not in page and "已修改" in page


def test_first_login_is_forced_through_unit_info(new_filer):
    filer, _, client = new_filer
    for url in ("/home/", "/media/", "/settings/", "/settings/password/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == INFO, url
    html = client.get(INFO).content.decode()
    assert "初次登录请先补填" in html and filer.code in html


def test_empty_form_gives_the_manual_messages(new_filer):
    _, _, client = new_filer
    html = client.post(INFO, {}).content.decode()
    for message in ("负责人姓名不能为空", "负责人职务不能为空", "负责人手机号不能为空", "负责人座机号不能为空",
                    "联系人姓名不能为空", "联系人职务不能为空", "联系人手机号不能为空", "手机验证码不能为空"):
        assert message in html


def test_phone_formats_are_checked(new_filer):
    _, _, client = new_filer
    html = client.post(INFO, {**FILLED, "head_mobile": "1381111", "head_landline": "abc", "sms_code": "123456"}).content.decode()
    assert "请输入正确的11位手机号" in html and "请输入正确的座机号" in html


def test_unit_info_with_the_sms_code_takes_effect_at_once(new_filer):
    filer, _, client = new_filer
    response = client.post(INFO_SMS, {"mobile": FILLED["contact_mobile"]})
    assert response.json()["ok"] and response.json()["wait"] == 60
    html = client.post(INFO, {**FILLED, "sms_code": "000000" if last_code(FILLED["contact_mobile"]) != "000000" else "111111"}).content.decode()
    assert "手机验证码错误" in html
    filer.refresh_from_db()
    assert not filer.info_complete
    response = client.post(INFO, {**FILLED, "sms_code": last_code(FILLED["contact_mobile"])})
    assert response.status_code == 302 and response["Location"] == "/home/"
    filer.refresh_from_db()
    assert filer.info_complete and filer.contact_mobile == "13933334444" and filer.head_landline == "010-62758888"
    assert client.get("/home/")["Location"] == "/media/"  # the gate is passed


def test_a_code_for_another_mobile_does_not_verify(new_filer):
    filer, _, client = new_filer
    client.post(INFO_SMS, {"mobile": "13700000000"})
    code = last_code("13700000000")
    html = client.post(INFO, {**FILLED, "sms_code": code}).content.decode()
    assert "手机验证码已失效" in html or "手机验证码错误" in html
    filer.refresh_from_db()
    assert not filer.info_complete


def test_sms_codes_are_hashed_expire_resend_after_60s_and_lock_after_5_tries(db):
    mobile = "13512345678"
    send_code(mobile, Purpose.FILER_INFO)
    code = last_code(mobile)
    stored = SmsCode.objects.for_mobile(mobile).get()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    with pytest.raises(VerificationError) as refused:
        send_code(mobile, Purpose.FILER_INFO)
    assert refused.value.wait_seconds > 0 and "秒后再重新获取" in refused.value.message
    # Five wrong tries lock the code, even for the right one afterwards.
    for _ in range(5):
        with pytest.raises(VerificationError):
            check_code(mobile, Purpose.FILER_INFO, "999999" if code != "999999" else "888888")
    with pytest.raises(VerificationError, match="错误次数过多"):
        check_code(mobile, Purpose.FILER_INFO, code)
    # After 60 s a new code may be asked for; it expires after 10 minutes.
    SmsCode.objects.for_mobile(mobile).update(created_at=timezone.now() - timedelta(seconds=61))
    send_code(mobile, Purpose.FILER_INFO)
    fresh = last_code(mobile)
    SmsCode.objects.for_mobile(mobile).filter(used_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(VerificationError, match="已失效"):
        check_code(mobile, Purpose.FILER_INFO, fresh)


def test_later_edits_also_need_a_code(client, users, login):
    user = users["filer"]
    login(user)
    html = client.get(INFO).content.decode()
    assert "初次登录" not in html and "13900000002" in html
    response = client.post(INFO, {**FILLED, "sms_code": ""})
    assert "手机验证码不能为空" in response.content.decode()


def test_the_unit_cannot_change_its_code_or_name_through_the_form(client, users, login):
    user = users["filer"]
    login(user)
    client.post(INFO_SMS, {"mobile": FILLED["contact_mobile"]})
    client.post(INFO, {**FILLED, "code": "110108M999", "name": "改名", "sms_code": last_code(FILLED["contact_mobile"])})
    user.filer_unit.refresh_from_db()
    assert (user.filer_unit.code, user.filer_unit.name) == ("110108M001", "海淀区上庄镇政府")


class TestForgotPassword:
    URL = "/forgot-password/"
    SMS = "/forgot-password/sms/"

    def test_three_steps_reset_the_password(self, client, users, password):
        assert client.post(self.URL, {"username": "110108M001"}).status_code == 302
        assert "输入单位预留联系人手机号" in client.get(self.URL).content.decode()
        assert client.post(self.SMS, {"mobile": "13900000002"}).json()["ok"]
        code = last_code("13900000002")
        assert client.post(self.URL, {"mobile": "13900000002", "sms_code": code}).status_code == 302
        html = client.post(self.URL, {"new_password1": "Shangzhuang#1", "new_password2": "Shangzhuang#2"}).content.decode()
        assert "两次输入的新密码不一致" in html
        response = client.post(self.URL, {"new_password1": "Shangzhuang#1", "new_password2": "Shangzhuang#1"})
        assert response.status_code == 302 and response["Location"] == "/"
        assert User.objects.get(username="110108M001").check_password("Shangzhuang#1")
        assert client.post("/", {"role": "filer", "username": "110108M001", "password": "Shangzhuang#1"}).status_code == 302

    def test_a_wrong_mobile_gets_no_sms_and_the_same_answer(self, client, users):
        client.post(self.URL, {"username": "110108M001"})
        wrong = client.post(self.SMS, {"mobile": "13711112222"}).json()
        assert sms.outbox == []
        other = Client()
        other.post(self.URL, {"username": "999999M999"})  # no such unit: the flow goes on alike
        unknown = other.post(self.SMS, {"mobile": "13722223333"}).json()
        assert sms.outbox == []
        right = Client()
        right.post(self.URL, {"username": "110108M001"})
        matched = right.post(self.SMS, {"mobile": "13900000002"}).json()
        assert len(sms.outbox) == 1
        assert wrong["message"] == unknown["message"] == matched["message"]
        # Guessing a code for a number that got none never passes.
        html = client.post(self.URL, {"mobile": "13711112222", "sms_code": "123456"}).content.decode()
        assert "手机验证码" in html and User.objects.get(username="110108M001").check_password("Demo@2026")

    def test_org_units_cannot_use_it(self, client, users):
        html = client.post(self.URL, {"username": "110000"}).content.decode()
        assert "单位唯一标识（10位字符）" in html

    def test_the_new_password_must_differ_and_be_strong(self, client, users, password):
        client.post(self.URL, {"username": "110108M001"})
        client.post(self.SMS, {"mobile": "13900000002"})
        client.post(self.URL, {"mobile": "13900000002", "sms_code": last_code("13900000002")})
        html = client.post(self.URL, {"new_password1": password, "new_password2": password}).content.decode()
        assert "新密码不能与原密码相同" in html
        html = client.post(self.URL, {"new_password1": "abcdefgh", "new_password2": "abcdefgh"}).content.decode()
        assert "至少三类" in html


def test_sms_endpoint_needs_a_valid_mobile(new_filer):
    _, _, client = new_filer
    response = client.post(INFO_SMS, {"mobile": "12345"})
    assert response.status_code == 400 and not response.json()["ok"]
    assert client.get(INFO_SMS).status_code == 405
    assert reverse("accounts:filer_info_sms") == INFO_SMS


def test_a_stranger_cannot_spoil_the_real_units_code(client, users):
    real = Client()
    real.post("/forgot-password/", {"username": "110108M001"})
    real.post("/forgot-password/sms/", {"mobile": "13900000002"})
    code = last_code("13900000002")
    SmsCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    stranger = Client()
    stranger.post("/forgot-password/", {"username": "120101M009"})  # no such unit, the victim's mobile
    assert stranger.post("/forgot-password/sms/", {"mobile": "13900000002"}).json()["ok"]
    assert SmsCode.objects.count() == 1 and len(sms.outbox) == 1
    assert real.post("/forgot-password/", {"mobile": "13900000002", "sms_code": code}).status_code == 302


def test_the_verified_step_expires(client, users):
    client.post("/forgot-password/", {"username": "110108M001"})
    client.post("/forgot-password/sms/", {"mobile": "13900000002"})
    client.post("/forgot-password/", {"mobile": "13900000002", "sms_code": last_code("13900000002")})
    session = client.session
    session["forgot_password"]["verified_at"] -= 601
    session.save()
    response = client.post("/forgot-password/", {"new_password1": "Later#20261", "new_password2": "Later#20261"})
    assert response.status_code == 302
    assert User.objects.get(username="110108M001").check_password("Demo@2026")
    assert "验证已过期" in client.get("/forgot-password/").content.decode()


def test_a_gateway_failure_is_reported_and_keeps_nothing(new_filer, settings):
    _, _, client = new_filer
    settings.SMS_BACKEND = "tests.accounts.test_filer_info_sms.FailingBackend"
    response = client.post(INFO_SMS, {"mobile": "13933334444"})
    assert response.status_code == 429 and response.json()["message"] == "短信发送失败，请稍后重试。"
    assert SmsCode.objects.count() == 0
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    assert client.post(INFO_SMS, {"mobile": "13933334444"}).json()["ok"]  # no cool-down was started


class FailingBackend(sms.BaseBackend):
    def send(self, mobile, message):
        raise sms.SmsSendError("gateway down")
