"""Issue 19 §4: 忘记密码 step 2 answers alike whether or not username and mobile matched."""
import re

from django.test import Client

from accounts.models import SmsCode, User
from accounts.unit_views import FORGOT_CODE_REFUSED
from tests.accounts.test_filer_info_sms import last_code

URL = "/forgot-password/"
SMS = "/forgot-password/sms/"


def _error_text(html: str) -> list[str]:
    return re.findall(r'class="invalid-feedback[^"]*"[^>]*>([^<]+)<', html)


def test_step_two_tells_nothing_about_the_match(users):
    # The real unit asks for a code and types a wrong one.
    matched = Client()
    matched.post(URL, {"username": "110108M001"})
    matched.post(SMS, {"mobile": "13900000002"})
    right = last_code("13900000002")
    wrong_code = "000000" if right != "000000" else "111111"
    matched_html = matched.post(URL, {"mobile": "13900000002", "sms_code": wrong_code}).content.decode()
    # A stranger with a mobile that is not the unit's, and one with an unknown username.
    stranger = Client()
    stranger.post(URL, {"username": "110108M001"})
    stranger.post(SMS, {"mobile": "13711112222"})
    stranger_html = stranger.post(URL, {"mobile": "13711112222", "sms_code": "123456"}).content.decode()
    unknown = Client()
    unknown.post(URL, {"username": "999999M999"})
    unknown_html = unknown.post(URL, {"mobile": "13900000002", "sms_code": right}).content.decode()
    for html in (matched_html, stranger_html, unknown_html):
        assert FORGOT_CODE_REFUSED in html
        assert "还可尝试" not in html and "已失效，请重新获取" not in html
    assert _error_text(matched_html) == _error_text(stranger_html) == _error_text(unknown_html)
    # The unknown username's try with the real unit's code did not burn that code…
    assert SmsCode.objects.for_mobile("13900000002").get().attempts == 1  # only the real unit's own wrong try
    # …which still works for the real unit.
    assert matched.post(URL, {"mobile": "13900000002", "sms_code": right}).status_code == 302
    assert User.objects.get(username="110108M001").check_password("Demo@2026")
