from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import User

URL = "/settings/password/"
NEW = "Haidian#2027"


def change(client, old, new1, new2=None):
    return client.post(URL, {"old_password": old, "new_password1": new1, "new_password2": new2 or new1})


def test_password_change_ends_every_session_and_asks_to_log_in_again(users, password):
    first, second = Client(), Client()
    for c in (first, second):
        assert c.post("/", {"role": "org", "username": "110108", "password": password}).status_code == 302
    response = change(first, password, NEW)
    assert response.status_code == 302 and response["Location"] == "/"
    assert SESSION_KEY not in first.session
    page = first.get("/").content.decode()
    assert "密码修改成功，请使用新密码重新登录" in page
    # The other browser's session ended too.
    response = second.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith("/?next=")
    # Old password refused, new one works.
    assert Client().post("/", {"role": "org", "username": "110108", "password": password}).status_code == 200
    assert Client().post("/", {"role": "org", "username": "110108", "password": NEW}).status_code == 302
    user = User.objects.get(username="110108")
    assert user.password_changed_at is not None and not user.must_change_password


def test_new_password_must_differ_from_the_old_one(client, users, password, login):
    login(users["org"])
    response = change(client, password, password)
    assert "新密码不能与原密码相同" in response.content.decode()
    assert User.objects.get(username="110108").check_password(password)


def test_strength_rules_speak_chinese(client, users, password, login):
    login(users["org"])
    html = change(client, password, "abcdefgh").content.decode()
    assert "至少三类" in html
    html = change(client, password, "Ab1!").content.decode()
    assert "密码长度太短" in html or "至少包含 8 个字符" in html
    html = change(client, password, "110108Ab!x").content.decode()
    assert "密码不能包含用户名" in html
    html = change(client, password, NEW, NEW + "x").content.decode()
    assert "两次输入的新密码不一致" in html
    html = change(client, "Wrong#2026", NEW).content.decode()
    assert "原密码错误" in html
    assert User.objects.get(username="110108").check_password(password)


def test_a_forced_change_comes_before_every_other_page(client, users, password, login):
    user = users["org"]
    user.must_change_password = True
    user.save()
    login(user)
    response = client.get("/media/")
    assert response.status_code == 302 and response["Location"] == URL
    assert "请先修改密码" in client.get(URL).content.decode()
    assert client.post(reverse("accounts:logout")).status_code == 302  # logout stays possible
    login(user)
    change(client, password, NEW)
    user.refresh_from_db()
    assert not user.must_change_password
