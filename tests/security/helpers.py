"""Shared steps of the security tests: a login as a person (or a script) would type it."""
import re

from captcha.models import CaptchaStore

LOGIN = "/"
CAPTCHA_KEY = re.compile(r'name="captcha_0" value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="captcha_0"')


def captcha_answer(html: str) -> dict:
    found = CAPTCHA_KEY.search(html)
    if not found:
        return {}
    key = found.group(1) or found.group(2)
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def shows_captcha(client, url: str = LOGIN) -> bool:
    return 'name="captcha_1"' in client.get(url).content.decode()


def attempt(client, username, password, role="org", url=LOGIN, extra=None):
    """POST the login form, answering the 验证码 whenever the page asks for one (the page may
    only ask once it knows the username: then the first answer is the refusal and we retry)."""
    data = {"role": role, "username": username, "password": password, **(extra or {})}
    data.update(captcha_answer(client.get(url).content.decode()))
    response = client.post(url, data)
    if response.status_code == 200 and "请输入验证码" in response.content.decode() and "captcha_0" not in data:
        data.update(captcha_answer(response.content.decode()))
        response = client.post(url, data)
    return response
