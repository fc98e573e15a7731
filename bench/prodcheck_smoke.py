"""The smoke journey of `make prod-check`, through both app servers (PRODCHECK_A, PRODCHECK_B):
a filer unit signs in on A and submits an account on B; its org unit, signed in on B, sees the
待审核 count rise on both servers at once, approves on A, and sees it fall on both; the next unit
up the chain sees it arrive on both. Also writes the users the load test signs in as."""
import json
import os
import random
import re
import sys
from pathlib import Path

import django

django.setup()

import requests  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts_media.models import MediaAccount, Status  # noqa: E402

A, B = os.environ["PRODCHECK_A"], os.environ["PRODCHECK_B"]
PASSWORD = os.environ.get("DEMO_PASSWORD", "Demo@2026")
OUT = Path("bench/out/prodcheck")
REVIEW = {"result": "approve", "reviewer_name": "王审核", "reviewer_phone": "18812348822"}


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)
    print(f"  ok  {message}")


def client():
    session = requests.Session()
    session.request = _with_csrf(session)
    return session


def _with_csrf(session):
    plain = session.request

    def request(method, url, **kwargs):
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        if method.upper() == "POST":
            kwargs.setdefault("headers", {})["X-CSRFToken"] = session.cookies.get("csrftoken", "")
        return plain(method, url, **kwargs)

    return request


def login(base, username, role):
    session = client()
    session.get(f"{base}/")
    response = session.post(f"{base}/", data={"username": username, "password": PASSWORD, "role": role})
    check(response.status_code == 302, f"{username} signs in on {base}")
    return session


def pending(session, base) -> int:
    html = session.get(f"{base}/media/").text
    match = re.search(r'data-testid="tab-pending">\s*待审核\s*(?:<span class="badge[^>]*>(\d+)</span>)?', html)
    if not match:
        raise Failed(f"no 待审核 tab on {base}/media/")
    return int(match.group(1) or 0)


def write_users():
    """Who the load test signs in as: org units of every level and filer units with accounts."""
    rng = random.Random(7)
    org = {level: list(User.objects.filter(kind="org", org_unit__level=level, is_active=True)
                       .values_list("username", flat=True).order_by("username")[:3000]) for level in (0, 1, 2, 3)}
    filers = list(User.objects.filter(kind="filer", filer_unit__media_count__gt=0).values_list("username", flat=True)
                  .order_by("username")[:20000])
    users = {"gb": org[0], "l1": org[1], "l2": rng.sample(org[2], min(300, len(org[2]))),
             "l3": rng.sample(org[3], min(300, len(org[3]))), "filer": rng.sample(filers, min(600, len(filers)))}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "users.json").write_text(json.dumps(users))


def main():
    print("smoke journey through both app servers")
    for base in (A, B):
        check(requests.get(f"{base}/healthz", timeout=30).json()["status"] == "ok", f"{base}/healthz ok")
        check(requests.head(f"{base}/", timeout=30).status_code == 200, f"HEAD {base}/ answers 200")
    filer_user = (User.objects.filter(kind="filer", filer_unit__org_unit__level=3, filer_unit__status="active",
                                      is_active=True).select_related("filer_unit__org_unit").order_by("username").first())
    org_unit = filer_user.filer_unit.org_unit
    filer = login(A, filer_user.username, "filer")
    org = login(B, org_unit.code, "org")
    parent = login(B, org_unit.parent.code, "org")
    before = pending(org, A)
    check(pending(org, B) == before, f"{org_unit.code} sees {before} 待审核 on both servers")
    parent_before = pending(parent, A)
    serial = random.randint(10**9, 10**10 - 1)
    response = filer.post(f"{B}/media/add/", data={
        "operator": filer_user.filer_unit.name, "account_type": "WB", "url": f"https://weibo.com/u/{serial}",
        "name": f"冒烟测试{serial}", "represents_government": "0", "func_publish": "on", "submit": "1"})
    check(response.status_code == 302, f"{filer_user.username} submits an account on B")
    account = MediaAccount.objects.get(name=f"冒烟测试{serial}")
    check(account.status == Status.ADD_PENDING and account.reviewer_id == org_unit.pk, "it waits for its org unit")
    for base in (A, B, A, B):
        check(pending(org, base) == before + 1, f"{org_unit.code} sees {before + 1} 待审核 on {base}")
    response = org.post(f"{A}/media/{account.pk}/review/", data={**REVIEW, "version": account.version})
    check(response.status_code == 302, f"{org_unit.code} approves on A")
    for base in (B, A, B, A):
        check(pending(org, base) == before, f"{org_unit.code} is back to {before} 待审核 on {base}")
        check(pending(parent, base) == parent_before + 1, f"{org_unit.parent.code} sees it on {base}")
    write_users()
    print("smoke journey: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Failed as exc:
        print(f"smoke journey FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
