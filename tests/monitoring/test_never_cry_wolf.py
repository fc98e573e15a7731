"""Never cry wolf (issue 27 item 4, decision 0044): no Internet → 未检查, never findings; a
platform down → 未检查; a finding needs failures in two runs hours apart; closed accounts and
offline sites are not fetched; a recovered finding tells its owner "已恢复"; monitoring is off
unless ops switch it on, and 监测发现 says so."""
import socket
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from monitoring import runner
from monitoring.models import CheckResult, Finding, Kind
from notifications.models import Notification
from tests.monitoring.test_runs import make_account, make_site, post_page


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_without_the_internet_a_run_has_no_findings_only_not_checked(chain, monitoring, settings):
    port = closed_port()
    settings.MONITORING_PROBE_URLS = [f"http://127.0.0.1:{port}/probe"]
    filer = chain["shangzhuang"].filer_unit
    for n in range(3):
        make_account(filer, f"账号{n}", f"http://127.0.0.1:{port}/tt/{n}", f"A110108{n:04d}")
    make_site(chain["haidian"].org_unit, "海淀区政府网", f"http://127.0.0.1:{port}/", "1101080001")
    run = runner.run_now()
    assert run.opened == 0 and not Finding.objects.exists()
    results = list(CheckResult.objects.values_list("ok", "detail"))
    assert results and all(ok is None and detail == runner.NOT_CHECKED_OFFLINE for ok, detail in results)
    assert len(results) == 3 * 2 + 4     # each account: link, update; the site: homepage, marks, tls, columns


def test_a_platform_that_answers_nothing_is_not_the_accounts_problem(chain, monitoring):
    port = closed_port()
    filer = chain["shangzhuang"].filer_unit
    for n in range(3):   # three accounts on one host none of which answers: the platform, not them
        make_account(filer, f"账号{n}", f"http://127.0.0.1:{port}/u/{n}", f"A110108{n:04d}", account_type="WX")
    lone = make_account(filer, "单独账号", monitoring.url("/u/missing"), "A1101089999", account_type="WX")
    runner.run_now()
    assert list(Finding.objects.values_list("account_id", "kind")) == [(lone.pk, Kind.ACCOUNT_LINK)]
    down = CheckResult.objects.filter(kind=Kind.ACCOUNT_LINK, ok__isnull=True)
    assert down.count() == 3 and "3 个链接均无应答" in down.first().detail


def test_a_finding_needs_two_failing_runs_hours_apart(chain, monitoring, settings, django_capture_on_commit_callbacks):
    settings.MONITORING_CONFIRM_RUNS, settings.MONITORING_CONFIRM_HOURS = 2, 4
    monitoring.page("/tt/stale", post_page(20))
    account = make_account(chain["shangzhuang"].filer_unit, "上庄发布", monitoring.url("/tt/stale"), "A1101080001")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        runner.run_now()
    assert not Finding.objects.exists()
    first = CheckResult.objects.get(kind=Kind.ACCOUNT_UPDATE)
    assert first.ok is False and first.streak == 1 and first.failing_since == start
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        runner.run_now()   # failing again, but too soon after the first: still no finding
    assert not Finding.objects.exists()
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run = runner.run_now()
    assert run.opened == 1 and Finding.objects.get().account_id == account.pk
    third = CheckResult.objects.filter(kind=Kind.ACCOUNT_UPDATE).order_by("-checked_at").first()
    assert third.streak == 3 and third.failing_since == start
    # a pass in between starts the count again
    monitoring.page("/tt/stale", post_page(1))
    with time_machine.travel(start + timedelta(hours=30), tick=False):
        runner.run_now()
    monitoring.page("/tt/stale", post_page(20))
    with time_machine.travel(start + timedelta(hours=40), tick=False):
        runner.run_now()
    assert not Finding.objects.filter(closed_at__isnull=True).exists()


def test_closed_accounts_and_offline_sites_are_never_fetched(chain, monitoring, django_capture_on_commit_callbacks):
    from websites.models import RunStatus

    filer = chain["shangzhuang"].filer_unit
    monitoring.page("/tt/gone", post_page(30))
    accounts = {status: make_account(filer, f"账号{status}", monitoring.url(f"/tt/gone?{status}"), f"A11010800{n:02d}")
                for n, status in enumerate(("normal", "closed", "restore_pending", "restore_rejected", "close_pending"))}
    for n, status in enumerate((RunStatus.NORMAL, RunStatus.PERMANENT_OFFLINE, RunStatus.DELETED, RunStatus.TEMP_OFFLINE)):
        make_site(chain["haidian"].org_unit, f"网站{status}", monitoring.url(f"/missing-{status}"), f"11010800{n:02d}",
                  run_status=status)
    for account in accounts.values():
        account.__class__.objects.filter(pk=account.pk).update(status=account.name.removeprefix("账号"))
    with django_capture_on_commit_callbacks(execute=True):
        runner.run_now()
    checked_accounts = set(CheckResult.objects.filter(account__isnull=False).values_list("account__name", flat=True))
    assert checked_accounts == {"账号normal", "账号close_pending"}
    assert set(CheckResult.objects.filter(website__isnull=False).values_list("website__name", flat=True)) == {"网站normal"}
    owners_told = set(Notification.objects.filter(kind="finding").values_list("title", flat=True))
    assert not any("closed" in t or "restore" in t or "offline" in t or "deleted" in t for t in owners_told)

    # an account closed while its finding is open: the finding ends, its owner is not told "已恢复"
    normal = accounts["normal"]
    normal.__class__.objects.filter(pk=normal.pk).update(status="restore_pending")
    with django_capture_on_commit_callbacks(execute=True):
        runner.run_now()
    finding = Finding.objects.get(account=normal)
    assert finding.closed_at is not None and finding.detail.endswith(runner.LEFT_MONITORING)
    assert not Notification.objects.filter(title__startswith="监测问题已恢复").exists()


def test_a_recovered_finding_tells_its_owner_and_marks_the_alert_read(chain, monitoring, django_capture_on_commit_callbacks):
    monitoring.page("/tt/stale", post_page(20))
    account = make_account(chain["shangzhuang"].filer_unit, "上庄发布", monitoring.url("/tt/stale"), "A1101080001")
    with django_capture_on_commit_callbacks(execute=True):
        runner.run_now()
    finding = Finding.objects.get(account=account)
    alert = Notification.objects.get(dedupe_key=f"finding:{finding.pk}")
    assert alert.read_at is None
    monitoring.page("/tt/stale", post_page(1))
    with django_capture_on_commit_callbacks(execute=True):
        run = runner.run_now()
    assert run.closed == 1
    told = Notification.objects.get(dedupe_key=f"recovered:{finding.pk}")
    assert told.user == chain["shangzhuang"] and told.title == "监测问题已恢复：上庄发布"
    assert told.body == "您的账号 上庄发布：监测时间点前2周无更新 已恢复"
    alert.refresh_from_db()
    assert alert.read_at is not None


def test_monitoring_is_off_unless_ops_switch_it_on(client, chain):
    from tests.servers import settings_read

    code = "from django.conf import settings as s; print(s.MONITORING_ENABLED)"
    assert settings_read({"DEBUG": "1"}, code, drop=("MONITORING_", "DJANGO_SETTINGS_MODULE"))[0] == "False"
    assert settings_read({"DEBUG": "1", "MONITORING_ENABLED": "1"}, code,
                         drop=("MONITORING_", "DJANGO_SETTINGS_MODULE"))[0] == "True"
    client.force_login(chain["haidian"])
    page = client.get(reverse("monitoring:findings")).content.decode()
    assert 'data-testid="monitoring-off"' in page and "自动监测未开启" in page


def test_the_list_has_state_tabs_with_counts(client, chain, monitoring):
    monitoring.page("/tt/stale", post_page(20))
    make_account(chain["shangzhuang"].filer_unit, "上庄发布", monitoring.url("/tt/stale"), "A1101080001")
    make_site(chain["haidian"].org_unit, "海淀区政府网", monitoring.url("/missing-home"), "1101080001")
    runner.run_now()
    Finding.objects.filter(website__isnull=False).update(closed_at=timezone.now())
    client.force_login(chain["haidian"])
    page = client.get(reverse("monitoring:findings")).content.decode()
    assert 'data-testid="monitoring-last-run"' in page
    for key, label, n in (("open", "待核查", 1), ("closed", "已恢复", 1), ("all", "全部", 2)):
        assert f'data-testid="state-{key}">{label} <span class="badge rounded-pill text-bg-secondary">{n}</span>' in page
    closed = client.get(reverse("monitoring:findings"), {"state": "closed"}).content.decode()
    assert "海淀区政府网" in closed and "上庄发布" not in closed
