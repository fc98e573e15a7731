"""The demo's day on SQLite (`make demo` runs on SQLite with embedded defaults), run as
`python -m tests.demo_walk` in a migrated SQLite database by tests/verify/test_sqlite_demo.py:
a filer unit submits accounts, the county opens the quarter's self-check (its job run here, as the
demo's worker would), every scheduled entry runs once, and then every page that needs no id is
opened by GB, 北京市, 海淀区 and the filer unit (bench/walk.py, the walk `make bench` does at national
scale). Prints `demo walk: N pages, 0 failed` or the pages that failed, and exits 1 on a failure."""
import os
import sys
import traceback
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts_media import services  # noqa: E402
from accounts_media.models import Status  # noqa: E402
from bench.walk import pages_of  # noqa: E402
from jobs.models import Job  # noqa: E402
from jobs.schedule import SCHEDULE, execute_entry  # noqa: E402
from reports.check_rounds import deadline_tiers, open_round  # noqa: E402
from reports.check_services import accept_sheet, save_sheet, submit_sheet  # noqa: E402
from reports.models import CheckSheet, SheetReminder  # noqa: E402
from tests.accounts_media.conftest import account_data, approve  # noqa: E402
from tests.factories import make_filer, make_org_user, make_small_tree  # noqa: E402
from tests.jobs_helpers import run_queued_jobs  # noqa: E402


def a_day_of_work() -> tuple[dict, dict, dict]:
    """The logins, the pages with an id each opens, and what some pages must show."""
    tree = make_small_tree()
    users = {code: make_org_user(tree[code]) for code in ("GB0000", "110000", "110108")}
    users["110108M001"] = make_filer(tree["110108"], "海淀区上庄镇政府", 1).user
    accounts = services.create_many(users["110108M001"], "submit", [
        account_data(account_type="WB", wechat_kind="", url=f"https://weibo.com/u/66{i:08d}", platform_id=f"66{i:08d}",
                     name=f"上庄微博{i:02d}") for i in range(3)])
    approved = accounts[0]
    while approved.reviewer_id is not None:  # up the review chain until the 新媒体标识码 is issued
        approved = approve(approved, users[approved.reviewer.code])
    if approved.status != Status.NORMAL or not approved.media_code:
        raise AssertionError(f"the chain ended in {approved.status} without a code")
    today = timezone.localdate()
    county = users["110108"]
    due = {key: today - timedelta(days=1) for key, _ in deadline_tiers(county.org_unit)}  # overdue: reminders too
    round_ = open_round(county, today.year, (today.month - 1) // 3 + 1, due)
    run_queued_jobs()
    job = Job.objects.get(pk=round_.job_id)
    made = CheckSheet.objects.filter(round=round_).count()
    if job.status != Job.Status.DONE or made != round_.sheets_total or not SheetReminder.objects.exists():
        raise AssertionError(f"发起检查 on SQLite: job {job.status} {job.error!r}, {made}/{round_.sheets_total} sheets, "
                             f"{SheetReminder.objects.count()} reminders")
    filer_sheet = CheckSheet.objects.get(round=round_, filer_unit=users["110108M001"].filer_unit)
    listed = list(filer_sheet.items.values_list("media_code", flat=True))
    if listed != [approved.media_code]:  # the two still waiting for review have no 新媒体标识码
        raise AssertionError(f"the filer unit's sheet lists {listed}, not [{approved.media_code}]")
    # The filer unit marks its row 不合格 and submits; the county accepts it: the 通报 has a problem to count.
    item = filer_sheet.items.get()
    filer_sheet = save_sheet(filer_sheet, filler_name="李娜", filler_phone="13900000002", user=users["110108M001"],
                             marks={item.pk: {"passed": False, "problems": ["监测时间点前2周无更新"], "rectification": "已整改"}})
    filer_sheet = submit_sheet(users["110108M001"], filer_sheet)
    accept_sheet(county, filer_sheet)
    now = timezone.now()
    for entry in SCHEDULE.values():
        execute_entry(entry.name, entry.period(now), now)
    run_queued_jobs()
    quarter = f"/self-checks/{today.year}/{(today.month - 1) // 3 + 1}/"
    ids = {"110108": [quarter, f"{quarter}circular/", f"{quarter}circular/?format=docx", f"/self-checks/sheets/{filer_sheet.pk}/",
                      f"/media/{approved.pk}/"],
           "110000": [f"{quarter}?unit=110108", f"{quarter}circular/"],
           "GB0000": [quarter, f"{quarter}circular/"],
           "110108M001": [f"/self-checks/sheets/{filer_sheet.pk}/", f"/media/{approved.pk}/"]}
    # Search by part of a name or code (decision 0050: plain icontains off PostgreSQL), on every kind of list.
    searches = ["/media/?name=微博01", "/media/?name=上", f"/media/?media_code={approved.media_code[-6:]}",
                "/media/?filer_code=M001", "/filer-units/?name=上庄", "/filer-units/?code=M0", "/websites/review/?q=网站"]
    ids["110108"] += searches
    ids["110108M001"] += searches[:3]
    # What the figures of the day must show: the accepted sheet's problem counted in the 通报, the
    # county's row in 北京市's drill-down.
    expected = {f"{quarter}circular/": "监测时间点前2周无更新", f"{quarter}?unit=110108": "海淀区上庄镇政府",
                "/media/?name=微博01": "上庄微博01", "/filer-units/?name=上庄": "海淀区上庄镇政府"}
    return users, ids, expected


def main() -> int:
    failed, walked = [], 0
    try:
        users, with_ids, expected = a_day_of_work()
    except Exception:
        traceback.print_exc()
        print("demo walk: the day of work failed")
        return 1
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        for name, url in pages_of(user) + [("(an id)", url) for url in with_ids.get(username, [])]:
            try:
                response = client.get(url, follow=True)
                status = response.status_code
                if status == 200 and url in expected and expected[url] not in response.content.decode():
                    status = f"200 without “{expected[url]}”"
            except Exception as exc:  # DEBUG's technical page is not raised through the test client
                status = f"{type(exc).__name__}: {exc}"
            if status == 405:  # a form's POST endpoint
                continue
            walked += 1
            if status != 200:
                failed.append(f"{username} {url} ({name}): {status}")
    print("\n".join(failed))
    print(f"demo walk: {walked} pages, {len(failed)} failed")
    return 1 if failed or not walked else 0


if __name__ == "__main__":
    sys.exit(main())
