"""Issue 19 §1: login throttling an insider cannot reset, per username and per address,
and a lock that cannot keep GB out of its own office."""
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from govmedia.common import throttle
from orgtree.services import create_org_unit
from tests.factories import make_org_user

from .helpers import attempt, shows_captcha

WRONG = "Wrong@2026x"


@pytest.fixture
def pair(tree, password):
    """110114 (the victim) and 110115 (the attacker's own, valid account) under 北京市."""
    victim = make_org_user(create_org_unit("110114", "怀柔区", tree["110000"], tree["110000"].kind))
    own = make_org_user(create_org_unit("110115", "大兴区", tree["110000"], tree["110000"].kind))
    return victim, own


def test_own_successful_logins_do_not_reset_the_failures_against_another_account(pair, password, settings):
    """The pen-test's bypass: 4 wrong for 110114, one correct as 110115, three times."""
    office = Client(REMOTE_ADDR="10.1.1.1")
    assert attempt(office, "110114", password).status_code == 302  # 110114 works from here
    office.post("/logout/")
    attacker = Client(REMOTE_ADDR="10.20.30.40")
    for _ in range(3):
        for _ in range(4):
            assert attempt(attacker, "110114", WRONG).status_code in (200, 429)
        response = attempt(attacker, "110115", password)
        assert response.status_code == 302, "the attacker's own login still works"
        attacker.post("/logout/")
    response = attempt(attacker, "110114", password)  # the right password now: still refused
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert SESSION_KEY not in attacker.session
    # The real 110114, at its own office, is not locked out by this.
    assert attempt(office, "110114", password).status_code == 302


def asks_captcha_for(client, username) -> bool:
    """The login page as it answers a try for `username` (a blank password: nothing counted)."""
    return 'name="captcha_1"' in client.post("/", {"role": "org", "username": username, "password": ""}).content.decode()


def test_the_captcha_appears_although_the_attacker_logs_in_between_guesses(pair, password, settings):
    """One guess, one own login, fifteen times: the 验证码 must appear for 110114 after 2 guesses
    and for the whole address past its own threshold; the own logins clear neither."""
    attacker = Client(REMOTE_ADDR="10.20.30.41")
    seen, for_victim = [], []
    for _ in range(15):
        attempt(attacker, "110114", WRONG)
        assert attempt(attacker, "110115", password).status_code == 302
        attacker.post("/logout/")
        seen.append(shows_captcha(attacker))
        for_victim.append(asks_captcha_for(attacker, "110114"))
    after = settings.LOGIN_CAPTCHA_AFTER
    assert for_victim[after - 1:] == [True] * (15 - after + 1) and not any(for_victim[: after - 1])
    first = seen.index(True)
    assert first >= after and all(seen[first:])  # the address: later than the username, then always


def test_one_persons_typos_leave_the_colleagues_at_the_same_address_without_captcha(pair, password, settings):
    """Issue 30: an office behind one NAT. Two wrong logins by 110114 ask 110114 for the 验证码,
    never 110115 at the same address; 110114's success clears its own count."""
    office = Client(REMOTE_ADDR="10.7.7.7")
    for _ in range(settings.LOGIN_CAPTCHA_AFTER):
        attempt(office, "110114", WRONG)
    assert asks_captcha_for(office, "110114") and not shows_captcha(office)
    colleague = Client(REMOTE_ADDR="10.7.7.7")
    assert not asks_captcha_for(colleague, "110115")
    assert colleague.post("/", {"role": "org", "username": "110115", "password": password}).status_code == 302
    assert attempt(office, "110114", password).status_code == 302  # with the 验证码 answered
    office.post("/logout/")
    assert not asks_captcha_for(office, "110114")  # the success cleared 110114's count


def test_a_post_without_the_captcha_is_refused_unchecked(pair, password, settings):
    attacker = Client(REMOTE_ADDR="10.20.30.42")
    for _ in range(settings.LOGIN_CAPTCHA_AFTER):
        attempt(attacker, "110114", WRONG)
    response = attacker.post("/", {"role": "org", "username": "110114", "password": password})
    assert response.status_code == 200 and "请输入验证码" in response.content.decode()
    assert SESSION_KEY not in attacker.session


def test_failures_are_counted_per_username_across_addresses(pair, password, settings, monkeypatch):
    """A distributed guesser: one try per address. The username then asks for the 验证码 from
    any address, and past the limit every new address waits longer and longer (never a lock)."""
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(REMOTE_ADDR=f"10.50.0.{i + 1}"), "110114", WRONG)
    fresh = Client(REMOTE_ADDR="10.50.1.1")
    response = fresh.post("/", {"role": "org", "username": "110114", "password": password})
    assert "请输入验证码" in response.content.decode()  # the username asks for it, this address is new
    response = attempt(fresh, "110114", password)
    assert response.status_code == 429 and "秒后再试" in response.content.decode()
    assert SESSION_KEY not in fresh.session
    # The wait grows with the failures and is capped.
    assert throttle.delay_for(settings.AXES_FAILURE_LIMIT) < throttle.delay_for(settings.AXES_FAILURE_LIMIT + 2)
    assert throttle.delay_for(10_000) == settings.LOGIN_MAX_DELAY_SECONDS
    # Once the wait is over, the right password is accepted from that address.
    later = timezone.now() + timedelta(seconds=settings.LOGIN_MAX_DELAY_SECONDS + 1)
    monkeypatch.setattr(throttle, "now", lambda: later)
    assert attempt(fresh, "110114", password).status_code == 302


def test_nobody_can_lock_gb_out_of_its_own_office(users, password, settings):
    """GB0000 under attack from many addresses still logs in from an address it used before,
    with the 验证码 but without waiting; the attackers' pairs are locked."""
    office = Client(REMOTE_ADDR="10.0.0.100")
    assert attempt(office, "GB0000", password).status_code == 302
    office.post("/logout/")
    for i in range(3 * settings.AXES_FAILURE_LIMIT):
        attempt(Client(REMOTE_ADDR=f"10.66.{i}.1"), "GB0000", WRONG)
    assert shows_captcha(office) is False  # the office address itself did nothing wrong
    response = attempt(office, "GB0000", password)
    assert response.status_code == 302
    # From a new address GB waits at most LOGIN_MAX_DELAY_SECONDS: slowed, never locked for good.
    assert throttle.delay_for(3 * settings.AXES_FAILURE_LIMIT) <= settings.LOGIN_MAX_DELAY_SECONDS


def test_a_locked_pair_does_not_lock_the_username_elsewhere(pair, password, settings):
    victim = Client(REMOTE_ADDR="10.1.1.2")
    assert attempt(victim, "110114", password).status_code == 302
    victim.post("/logout/")
    attacker = Client(REMOTE_ADDR="10.20.30.43")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(attacker, "110114", WRONG)
    assert attempt(attacker, "110114", password).status_code == 429
    # The attacker's address is not locked for its other usernames below the address limit…
    assert attempt(attacker, "110115", password).status_code == 302
    # …and the victim logs in from an address it used before, at once.
    assert attempt(victim, "110114", password).status_code == 302


def test_ops_staff_lift_a_lock_in_the_admin(pair, password, settings, users, login, client):
    from axes.models import AccessAttempt
    from django.urls import reverse

    attacker = Client(REMOTE_ADDR="10.20.30.44")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(attacker, "110114", WRONG)
    assert attempt(attacker, "110114", password).status_code == 429
    login(users["ops"])  # ops superuser, past the second factor
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="110114").values_list("pk", flat=True)]
    response = client.post(reverse("admin:axes_accessattempt_changelist"),
                           {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="110114").exists()
    assert attempt(attacker, "110114", password).status_code == 302
