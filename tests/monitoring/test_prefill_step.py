"""Monitoring's step of a round's prefill (reports.check_prefill.PREFILL_STEPS): rows of objects
with verdicts in the quarter come 不合格 with the indicators' problems, and the step never joins
the rows just inserted with the verdicts (a plan made on statistics that do not know the new rows
could loop over them for ever: a round that never finishes); its queries are a fixed few however
many sheets it marks."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.indicators import mark_sheets, quarter_period, seed
from monitoring.models import Indicator, Verdict
from reports.check_rounds import deadline_tiers, open_round
from reports.models import CheckSheet, SpotCheckItem
from reviews.models import JournalEntry
from tests.accounts_media.conftest import normal_account
from tests.jobs_helpers import run_queued_jobs

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 11, 10, tzinfo=SHANGHAI)


def verdict(account, code, detail="连续两周无更新"):
    seed()  # the indicators of the data migration (a transactional test on this worker may have flushed them)
    return Verdict.objects.create(indicator=Indicator.objects.get(code=code), account=account, period=quarter_period(2026, 1),
                                  org_path=account.org_path, detail=detail, first_seen=NOW, last_seen=NOW)


@time_machine.travel(NOW, tick=False)
def test_a_rounds_rows_are_marked_from_verdicts_with_a_fixed_number_of_queries(chain):
    stale = normal_account(chain, name="上庄发布")
    wrong = normal_account(chain, "yanyuan", name="燕园发布", platform_id="yy1")
    clean = normal_account(chain, "yanyuan", name="燕园服务", platform_id="yy2")
    verdict(stale, "M_STALE")
    verdict(wrong, "M_STALE")
    verdict(wrong, "M_EXPRESSION", detail="“环境保护部”应为“生态环境部”")
    Verdict.objects.create(indicator=Indicator.objects.get(code="M_STALE"), account=clean, period=quarter_period(2025, 4),
                           org_path=clean.org_path, detail="上季度", first_seen=NOW, last_seen=NOW)  # another quarter
    haidian = chain["haidian"]
    today = timezone.localdate()
    round_ = open_round(haidian, 2026, 1, {k: today + timedelta(days=5) for k, _ in deadline_tiers(haidian.org_unit)})
    with CaptureQueriesContext(connection) as made:
        run_queued_jobs()
    joined = [q["sql"] for q in made.captured_queries
              if "reports_spotcheckitem" in q["sql"] and "monitoring_verdict" in q["sql"]]
    assert joined == []  # the new rows are never joined with the verdicts
    rows = {i.name: i for i in SpotCheckItem.objects.filter(sheet__round=round_)}
    assert rows["上庄发布"].passed is False and rows["上庄发布"].problems
    assert rows["燕园发布"].passed is False and "其他" in rows["燕园发布"].problems
    assert "环境保护部" in rows["燕园发布"].problem_other
    assert rows["燕园服务"].passed is None and rows["燕园服务"].problems == []  # a verdict of another quarter
    marked = set(JournalEntry.objects.filter(action="monitoring_prefill").values_list("subject_id", flat=True))
    assert marked == {rows["上庄发布"].sheet_id, rows["燕园发布"].sheet_id}

    # The step's cost does not grow with the sheets it marks: one sheet or two, the same queries
    # but the one journal entry per sheet marked.
    def own_queries(ids):
        with CaptureQueriesContext(connection) as seen:
            assert mark_sheets(ids) >= 1
        return [q["sql"] for q in seen.captured_queries if "reviews_journal" not in q["sql"]]

    one = own_queries([rows["上庄发布"].sheet_id])
    two = own_queries([rows["上庄发布"].sheet_id, rows["燕园发布"].sheet_id, *CheckSheet.objects.values_list("pk", flat=True)])
    assert len(one) == len(two) <= 10
    # Run again, the rows stay as they are (problems kept, nothing doubled).
    again = SpotCheckItem.objects.get(pk=rows["燕园发布"].pk)
    assert again.problems == rows["燕园发布"].problems and again.problem_other == rows["燕园发布"].problem_other


def test_no_verdicts_in_the_quarter_one_query_per_quarter_and_nothing_read(chain):
    normal_account(chain, name="上庄发布")
    haidian = chain["haidian"]
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    open_round(haidian, year, quarter, {k: today + timedelta(days=5) for k, _ in deadline_tiers(haidian.org_unit)})
    run_queued_jobs()
    ids = list(CheckSheet.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as seen:
        assert mark_sheets(ids) == 0
    assert not any("reports_spotcheckitem" in q["sql"] for q in seen.captured_queries)
    assert len(seen.captured_queries) == 3  # the quarters of the sheets, the verdicts' accounts and sites
