"""The load test of `make prod-check` (locust, headless): simulated users sign in and browse the
list pages of their role, 待审核, and write: org units approve what waits for them and start
export jobs (counties and cities), filer units submit new accounts; each request to app server A or
B at random (what a load balancer does; the session cookie of 127.0.0.1 holds on both). A run whose
approve scenario found no review link exits non-zero (it measured reads only). Not in the mix: the
batch import (an upload, a check job and a confirmation: tests/imports cover it). Users come from
bench/out/prodcheck/users.json (written by bench.prodcheck_smoke from the national data)."""
import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, events, task

SERVERS = [os.environ["PRODCHECK_A"], os.environ["PRODCHECK_B"]]
PASSWORD = os.environ.get("DEMO_PASSWORD", "Demo@2026")
USERS = json.loads(Path("bench/out/prodcheck/users.json").read_text())
from bench.patterns import PENDING_COUNT, REVIEW, REVIEW_LINK, VERSION, new_account  # noqa: E402 (tested on the pages)
_pools = {kind: itertools.cycle(names) for kind, names in USERS.items() if names}
# Logins happen while users are spawned, before the statistics are reset (--reset-stats): their
# times are kept here and written to PRODCHECK_LOGIN_FILE when the run ends.
_login_ms: list[float] = []
# What the write scenarios did: a run that never found a review link measured reads only and says so.
_writes = {"review links seen": 0, "approvals posted": 0, "handled elsewhere": 0, "submissions posted": 0,
           "exports started": 0}


@events.request.add_listener
def _keep_logins(request_type, name, response_time, exception=None, **kwargs):
    if name == "login (POST)":
        _login_ms.append(-1 if exception else response_time)


@events.quitting.add_listener
def _write_logins(environment, **kwargs):
    target = os.environ.get("PRODCHECK_LOGIN_FILE")
    if target:
        Path(target).write_text(json.dumps(_login_ms))
    print(f"write scenarios: {_writes}")
    if not _writes["approvals posted"]:
        print("LOAD TEST FAILED: the approve scenario found no review link to follow: only reads were measured")
        environment.process_exit_code = 1


def server() -> str:
    return random.choice(SERVERS)


class Signed(HttpUser):
    abstract = True
    wait_time = between(3, 8)  # a clerk's think time between two pages
    kind = ""
    role = "org"

    def on_start(self):
        self.username = next(_pools[self.kind])
        self.signed_in = False
        for _ in range(3):  # a sign-in lost to a dropped connection is tried again, never browsed without
            if self.sign_in():
                return

    def sign_in(self) -> bool:
        base = server()
        self.client.get(f"{base}/", name="login page")
        with self.client.post(f"{base}/", name="login (POST)", allow_redirects=False, catch_response=True,
                              data={"username": self.username, "password": PASSWORD, "role": self.role},
                              headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")}) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.username}: {response.status_code}")
            self.signed_in = response.status_code == 302
        return self.signed_in

    def page(self, path, name):
        if not self.signed_in and not self.sign_in():
            return None
        with self.client.get(f"{server()}{path}", name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            return response


class OrgUnit(Signed):
    abstract = True

    @task(4)
    def media_list(self):
        self.page("/media/", f"list 新媒体账号 [{self.kind}]")

    @task(3)
    def pending(self):
        with self.client.get(f"{server()}/media/?tab=pending", name=f"list 待审核 [{self.kind}]",
                             allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
            self.to_review = REVIEW_LINK.findall(response.text or "")
            _writes["review links seen"] += len(self.to_review)
            waiting = PENDING_COUNT.search(response.text or "")
            if waiting is None:
                response.failure("no 待审核 tab on the page")
            elif int(waiting.group(1) or 0) and not self.to_review:  # fail loudly: the links changed shape
                response.failure(f"待审核 {waiting.group(1)} but no review link matched {REVIEW_LINK.pattern}")

    @task(2)
    def filer_units(self):
        self.page("/filer-units/", f"list 填报单位 [{self.kind}]")

    @task(1)
    def websites(self):
        self.page("/websites/review/", f"list 网站 [{self.kind}]")

    @task(1)
    def approve(self):
        """审核 → 同意 of the first account waiting for this unit (if any)."""
        for pk in getattr(self, "to_review", [])[:1]:
            if not self.signed_in and not self.sign_in():
                return
            with self.client.get(f"{server()}/media/{pk}/review/", name="review page", allow_redirects=False,
                                 catch_response=True) as form:
                if form.status_code == 409:  # another simulated user of the unit approved it since the list
                    form.success()
                    _writes["handled elsewhere"] += 1
                    self.to_review = []
                    return
                if form.status_code != 200:
                    form.failure(f"{form.status_code}")
                    return
            version = VERSION.search(form.text or "")
            if not version:
                return
            with self.client.post(f"{server()}/media/{pk}/review/", name="approve (POST)", allow_redirects=False,
                                  catch_response=True, data={**REVIEW, "version": version.group(1)},
                                  headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")}) as response:
                if response.status_code == 409:  # another simulated user of the unit was first
                    response.success()
                    _writes["handled elsewhere"] += 1
                elif response.status_code != 302:
                    response.failure(f"{response.status_code}")
                else:
                    _writes["approvals posted"] += 1
            self.to_review = []

    @task(1)
    def export_job(self):
        """导出全部 of the unit's accounts: a job for the worker; the list answers with a redirect."""
        if self.kind not in ("l2", "l3") or not (self.signed_in or self.sign_in()):
            return  # a province's or GB's export is minutes of the worker's time: not in a one-minute mix
        with self.client.get(f"{server()}/media/?export=all", name="export job (start)", allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")
            else:
                _writes["exports started"] += 1


class GB(OrgUnit):
    weight, kind = 1, "gb"


class Province(OrgUnit):
    weight, kind = 3, "l1"


class City(OrgUnit):
    weight, kind = 4, "l2"


class County(OrgUnit):
    weight, kind = 6, "l3"


class Filer(Signed):
    weight, kind, role = 10, "filer", "filer"

    @task(4)
    def media_list(self):
        self.page("/media/", "list 新媒体账号 [filer]")

    @task(1)
    def drafts(self):
        self.page("/media/?tab=drafts", "list 未提交 [filer]")

    @task(1)
    def submit(self):
        """新增新媒体账号 → 提交: a new Weibo account, waiting for the unit's org unit."""
        if not self.signed_in and not self.sign_in():
            return
        serial = random.randint(10**9, 10**10 - 1)
        with self.client.post(f"{server()}/media/add/", name="submit (POST)", allow_redirects=False,
                              catch_response=True, headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")},
                              data=new_account(serial)) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")
            else:
                _writes["submissions posted"] += 1
