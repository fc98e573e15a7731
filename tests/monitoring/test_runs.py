"""Runs end to end on the database: findings opened, kept, closed; the scheduled run on the queue;
findings into the 检查结果信息表; scope; the object's 查看 page and the owner's own pages."""
from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts_media.models import MediaAccount
from monitoring import runner
from monitoring.models import CheckResult, CheckRun, Finding, Kind
from monitoring.signals import findings_opened
from reports import check_services
from reports.models import CheckSheet
from reviews.models import JournalEntry
from tests.factories import make_website
from tests.jobs_helpers import run_queued_jobs

MARKS = "<footer>京ICP备12345678号 京公网安备 11010802012345号</footer>"


def epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 9, tzinfo=dt_timezone(timedelta(hours=8))).timestamp())


def post_page(days_ago: int) -> str:
    return '<script>{"publish_time":%d}</script>' % epoch(timezone.localdate() - timedelta(days=days_ago))


def make_account(filer_unit, name, url, code, account_type="TT", **extra):
    return MediaAccount.objects.create(
        filer_unit=filer_unit, org_path=filer_unit.org_unit.path, media_code=code, account_type=account_type, url=url,
        platform_id=f"token:{code}", name=name, operator=filer_unit.name, represents_government=False, status="normal",
        func_publish=True, **extra)


def make_site(org, name, homepage, code, columns=None, **extra):
    return make_website(org, name, homepage=homepage, homepage_key=homepage, site_code=code, filing="done",
                        icp_number="京ICP备12345678号", police_record="京公网安备11010802012345号", columns=columns or {},
                        tracking_code=f"T{code}", **extra)


@pytest.fixture
def stale_account(chain, monitoring):
    monitoring.page("/tt/stale", post_page(15))
    return make_account(chain["shangzhuang"].filer_unit, "上庄发布", monitoring.url("/tt/stale"), "A1101080001")


def open_quarter(org_user):
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    due = today + timedelta(days=20)
    deadlines = {key: due for key, _ in check_services.deadline_tiers(org_user.org_unit)}
    round_ = check_services.open_round(org_user, today.year, quarter, deadlines)
    from tests.jobs_helpers import run_queued_jobs

    run_queued_jobs()  # 发起检查 is a job: its sheets are made by the worker
    return round_


def test_an_account_not_updated_for_15_days_becomes_a_row_of_the_check_sheet(client, chain, stale_account, monitoring):
    run = runner.run_now()
    assert run.status == CheckRun.Status.DONE and run.opened == 1
    finding = Finding.objects.get(account=stale_account)
    assert finding.kind == Kind.ACCOUNT_UPDATE and finding.is_open and finding.data["days"] == 15
    assert finding.detail.startswith("已 15 天未更新")

    # the filer unit reads it on its own pages
    client.force_login(chain["shangzhuang"])
    listing = client.get(reverse("media:list")).content.decode()
    assert "您的账号 上庄发布：已 15 天未更新" in listing
    detail = client.get(reverse("media:detail", args=[stale_account.pk])).content.decode()
    assert "监测时间点前2周无更新" in detail and "转入检查结果信息表" in detail

    # no open sheet yet: refused with the reason
    response = client.post(reverse("monitoring:to_sheet", args=[finding.pk]), follow=True)
    assert "上级组织单位发起检查后才能转入" in response.content.decode()

    open_quarter(chain["haidian"])
    response = client.post(reverse("monitoring:to_sheet", args=[finding.pk]))
    sheet = CheckSheet.objects.get(filer_unit=chain["shangzhuang"].filer_unit)
    assert response.status_code == 302 and response["Location"] == reverse("checks:sheet", args=[sheet.pk])
    item = sheet.items.get(account=stale_account)
    assert item.passed is False and item.problems == ["监测时间点前2周无更新"]
    finding.refresh_from_db()
    assert finding.sheet_item_id == item.pk
    assert JournalEntry.objects.filter(action="monitoring_to_sheet", subject_id=sheet.pk).exists()
    page = client.get(reverse("checks:sheet", args=[sheet.pk])).content.decode()
    assert "上庄发布" in page
    # the row still needs its 整改情况 before the sheet saves, as any 不合格 row
    with pytest.raises(Exception, match="须填写整改情况"):
        check_services.save_sheet(sheet, filler_name="李娜", filler_phone="13900000002",
                                  marks={item.pk: {"passed": False, "problems": item.problems, "rectification": ""}})


def test_a_website_with_an_expired_certificate_and_a_broken_column_link_has_two_findings(chain, monitoring):
    monitoring.page("/portal/", f"<html>{MARKS}<a href='/c/ok'>政策</a></html>")
    columns = {"政策文件": {"names": "政策", "urls": monitoring.url("/c/ok", "expired")},
               "互动交流": {"names": "留言", "urls": monitoring.url("/c/missing", "expired")}}
    site = make_site(chain["haidian"].org_unit, "海淀区政府网", monitoring.url("/portal/", "expired"), "1101080001", columns)
    runner.run_now(kinds=(runner.WEBSITES,))
    findings = {f.kind: f for f in Finding.objects.filter(website=site)}
    assert set(findings) == {Kind.TLS, Kind.COLUMNS}
    assert "过期" in findings[Kind.TLS].detail and "/c/missing" in findings[Kind.COLUMNS].detail
    results = {r.kind: r.ok for r in CheckResult.objects.filter(website=site)}
    assert results == {Kind.HOMEPAGE: True, Kind.MARKS: True, Kind.TLS: False, Kind.COLUMNS: False}


def test_switching_a_check_off_ends_its_open_findings_at_the_next_run(chain, monitoring, settings):
    monitoring.page("/portal/", f"<html>{MARKS}<a href='/c/ok'>政策</a></html>")
    columns = {"互动交流": {"names": "留言", "urls": monitoring.url("/c/missing", "expired")}}
    site = make_site(chain["haidian"].org_unit, "海淀区政府网", monitoring.url("/portal/", "expired"), "1101080001", columns)
    runner.run_now(kinds=(runner.WEBSITES,))
    assert {f.kind for f in Finding.objects.filter(website=site, closed_at__isnull=True)} == {Kind.TLS, Kind.COLUMNS}
    settings.MONITORING_CHECKS = {**settings.MONITORING_CHECKS, Kind.TLS.value: False}
    run = runner.run_now(kinds=(runner.WEBSITES,))
    tls, columns_finding = Finding.objects.get(website=site, kind=Kind.TLS), Finding.objects.get(website=site, kind=Kind.COLUMNS)
    assert tls.closed_at is not None and tls.last_run_id == run.pk and tls.detail.endswith("（该项监测已关闭，不再检查）")
    assert columns_finding.closed_at is None  # still checked, still broken


def test_findings_are_kept_then_closed_and_the_history_stays(chain, stale_account, monitoring, django_capture_on_commit_callbacks):
    opened = []
    receiver = lambda sender, findings, **kw: opened.extend(f.pk for f in findings)  # noqa: E731
    findings_opened.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            runner.run_now()
        first = Finding.objects.get(account=stale_account)
        with django_capture_on_commit_callbacks(execute=True):
            runner.run_now()  # still stale: the same finding, seen again, no new signal
        assert Finding.objects.filter(account=stale_account).count() == 1 and opened == [first.pk]
        first.refresh_from_db()
        assert first.last_seen > first.first_seen and first.is_open
        monitoring.page("/tt/stale", post_page(1))
        with django_capture_on_commit_callbacks(execute=True):
            run = runner.run_now()
    finally:
        findings_opened.disconnect(receiver)
    first.refresh_from_db()
    assert not first.is_open and run.closed == 1
    history = list(CheckResult.objects.filter(account=stale_account, kind=Kind.ACCOUNT_UPDATE).order_by("checked_at")
                   .values_list("ok", flat=True))
    assert history == [False, False, True]


def test_the_threshold_comes_from_the_indicator_then_the_settings(chain, stale_account, monitoring, settings):
    from monitoring.models import Indicator

    Indicator.objects.filter(code="M_STALE").update(thresholds={"days": 20})   # ops edit it in the admin (0045)
    runner.run_now()
    assert not Finding.objects.exists()
    Indicator.objects.filter(code="M_STALE").update(enabled=False)   # no indicator: MONITORING_STALE_DAYS
    settings.MONITORING_STALE_DAYS = 10
    runner.run_now()
    assert Finding.objects.filter(account=stale_account, kind=Kind.ACCOUNT_UPDATE).exists()


def test_a_closed_account_leaves_monitoring_and_its_finding_closes(chain, stale_account, monitoring):
    runner.run_now()
    MediaAccount.objects.filter(pk=stale_account.pk).update(status="closed")
    runner.run_now()
    assert not Finding.objects.filter(closed_at__isnull=True).exists()


def test_the_scheduled_run_is_chunked_on_the_queue_and_reports_progress(chain, monitoring, settings):
    from jobs.schedule import SCHEDULE

    settings.MONITORING_CHUNK_SIZE = 2
    monitoring.page("/tt/fresh", post_page(1))
    filer = chain["shangzhuang"].filer_unit
    for n in range(5):
        make_account(filer, f"账号{n}", monitoring.url("/tt/fresh"), f"A110108{n:04d}")
    assert SCHEDULE["monitoring"].func == "monitoring.runner.start_run"
    message = runner.start_run(timezone.now())
    run = CheckRun.objects.get()
    assert run.chunks_total == 3 and run.objects_total == 5 and run.status == CheckRun.Status.RUNNING
    assert "3 个分块已排队" in message
    run_queued_jobs()
    run.refresh_from_db()
    assert run.status == CheckRun.Status.DONE and run.objects_done == 5 and run.percent == 100
    assert CheckResult.objects.filter(run=run, kind=Kind.ACCOUNT_UPDATE, ok=True).count() == 5


def test_monitoring_switched_off(chain, stale_account, monitoring, settings):
    from django.core.management.base import CommandError

    settings.MONITORING_ENABLED = False
    assert runner.start_run(timezone.now()) == "自动监测已关闭（MONITORING_ENABLED=0）"
    with pytest.raises(CommandError):
        call_command("run_monitoring")
    assert not CheckRun.objects.exists()


def test_the_ops_command(chain, stale_account, monitoring, capsys):
    call_command("run_monitoring", "--only", "account")
    out = capsys.readouterr().out
    assert "1 个对象，新发现问题 1 个" in out and "并发 4" in out


def test_another_subtree_never_sees_the_findings(client, chain, stale_account, monitoring):
    tianjin_site = make_site(chain["heping"].org_unit, "和平区政府网", monitoring.url("/missing-site"), "1201010001")
    runner.run_now()
    assert Finding.objects.filter(website=tianjin_site, kind=Kind.HOMEPAGE).exists()
    ours = Finding.objects.get(account=stale_account)
    theirs = Finding.objects.get(website=tianjin_site)
    for who, shown, hidden in (("haidian", "上庄发布", "和平区政府网"), ("beijing", "上庄发布", "和平区政府网"),
                               ("heping", "和平区政府网", "上庄发布"), ("tianjin", "和平区政府网", "上庄发布")):
        client.force_login(chain[who])
        html = client.get(reverse("monitoring:findings")).content.decode()
        assert shown in html and hidden not in html, who
    client.force_login(chain["gb"])
    html = client.get(reverse("monitoring:findings")).content.decode()
    assert "上庄发布" in html and "和平区政府网" in html
    # a foreign finding is a 404, for org units and filer units alike
    client.force_login(chain["heping"])
    assert client.post(reverse("monitoring:to_sheet", args=[ours.pk])).status_code == 404
    client.force_login(chain["tianjin_filer"])
    assert client.post(reverse("monitoring:to_sheet", args=[ours.pk])).status_code == 404
    assert "上庄发布" not in client.get(reverse("media:list")).content.decode()
    # the unit above sees it as 待核查 but does not fill the filer's sheet
    open_quarter(chain["haidian"])
    client.force_login(chain["haidian"])
    html = client.get(reverse("monitoring:findings")).content.decode()
    assert reverse("monitoring:to_sheet", args=[ours.pk]) not in html
    response = client.post(reverse("monitoring:to_sheet", args=[ours.pk]), follow=True)
    assert "只有负责填写该对象检查结果信息表的单位可以转入" in response.content.decode()
    # 和平区 runs its own site (no filer unit of it sponsors it): it fills that row itself
    open_quarter(chain["heping"])
    client.force_login(chain["heping"])
    assert reverse("monitoring:to_sheet", args=[theirs.pk]) in client.get(reverse("monitoring:findings")).content.decode()
    response = client.post(reverse("monitoring:to_sheet", args=[theirs.pk]))
    sheet = CheckSheet.objects.get(org_unit=chain["heping"].org_unit, filer_unit__isnull=True)
    assert response["Location"] == reverse("checks:sheet", args=[sheet.pk])
    assert sheet.items.get(website=tianjin_site).problems == ["站点无法访问"]


def test_the_list_filters_and_exports(client, chain, stale_account, monitoring):
    from openpyxl import load_workbook
    import io

    make_site(chain["haidian"].org_unit, "海淀区政府网", monitoring.url("/missing-home"), "1101080001")
    runner.run_now()
    client.force_login(chain["haidian"])
    url = reverse("monitoring:findings")
    only_sites = client.get(url, {"subject": "website"}).content.decode()
    assert "海淀区政府网" in only_sites and "上庄发布" not in only_sites
    stale = client.get(url, {"kind": Kind.ACCOUNT_UPDATE}).content.decode()
    assert "上庄发布" in stale and "海淀区政府网" not in stale
    assert "上庄发布" not in client.get(url, {"state": "closed"}).content.decode()
    response = client.get(url, {"export": "page"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"上庄发布", "海淀区政府网"} <= names


def test_findings_on_the_website_pages(client, chain, monitoring):
    from accounts.models import User

    operator = User.objects.create_user("1101080001", "Demo@2026", kind=User.Kind.SITE)
    site = make_site(chain["haidian"].org_unit, "海淀区政府网", monitoring.url("/missing-home"), "1101080001",
                     operator_user=operator)
    runner.run_now()
    client.force_login(chain["haidian"])
    detail = client.get(reverse("websites:review_detail", args=[site.pk])).content.decode()
    assert "站点无法访问" in detail and "首页无法访问：HTTP 404" in detail
    client.force_login(operator)
    home = client.get(reverse("websites:site_home")).content.decode()
    assert "您的网站 海淀区政府网：首页无法访问：HTTP 404" in home


def test_a_certificate_finding_becomes_other_with_its_detail(client, chain, monitoring):
    monitoring.page("/portal2/", f"<html>{MARKS}</html>")
    site = make_site(chain["heping"].org_unit, "和平区政府网", monitoring.url("/portal2/", "expired"), "1201010001")
    runner.run_now(kinds=(runner.WEBSITES,))
    finding = Finding.objects.get(website=site)
    assert finding.kind == Kind.TLS
    open_quarter(chain["heping"])
    client.force_login(chain["heping"])
    client.post(reverse("monitoring:to_sheet", args=[finding.pk]))
    item = CheckSheet.objects.get(org_unit=chain["heping"].org_unit, filer_unit__isnull=True).items.get(website=site)
    assert item.passed is False and item.problems == ["其他"]
    assert item.problem_other.startswith("HTTPS证书过期：HTTPS证书已于") and "过期" in item.problems_display


def test_old_results_are_pruned_and_findings_stay(chain, stale_account, monitoring):
    import time_machine

    from jobs.schedule import SCHEDULE

    runner.run_now()
    assert SCHEDULE["monitoring_results"].func == "monitoring.runner.prune_results"
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        assert runner.prune_results() == "删除过期监测结果 0 条"
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert runner.prune_results().startswith("删除过期监测结果 2 条")
    assert not CheckResult.objects.exists() and Finding.objects.filter(account=stale_account).exists()


def test_a_run_left_unfinished_is_marked_when_the_next_starts(chain, stale_account, monitoring):
    runner.start_run(timezone.now())   # queued, never worked off
    first = CheckRun.objects.get()
    run = runner.run_now()
    first.refresh_from_db()
    assert first.status == CheckRun.Status.ABANDONED and run.status == CheckRun.Status.DONE
    # a failing object checked again: its open finding is updated, never a second one
    from monitoring.checks import Outcome

    outcome = [[Outcome(Kind.ACCOUNT_LINK, False, "账号链接无法访问：HTTP 404")]]
    other = CheckRun.objects.create(objects_total=1, chunks_total=5)
    runner.record(other.pk, runner.ACCOUNTS, [stale_account.pk], outcome)
    runner.record(other.pk, runner.ACCOUNTS, [stale_account.pk], outcome)
    assert Finding.objects.filter(account=stale_account, kind=Kind.ACCOUNT_LINK, closed_at__isnull=True).count() == 1



def test_the_suite_never_monitors_unless_asked(chain, fixture_server):
    """Without the `monitoring` fixture (settings_test: MONITORING_ENABLED=False) the scheduler's
    daily entry reports monitoring off and fetches nothing, whatever other tests tick."""
    from jobs import schedule
    from jobs.models import ScheduledRun

    make_account(chain["shangzhuang"].filer_unit, "上庄发布", fixture_server.url("/tt/x"), "A1101080009")
    schedule.tick()
    run_queued_jobs()
    assert ScheduledRun.objects.get(name="monitoring").result == "自动监测已关闭（MONITORING_ENABLED=0）"
    assert not CheckRun.objects.exists()
