"""运行状态 on the org units' pages: a label whose date is missing (a site carried over from an
earlier system) must not fail the whole list it appears in; the overdue 紧急下线 read from their index."""
from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import requires_postgres
from tests.factories import make_website
from websites.models import Filing, RunStatus


def test_an_emergency_offline_without_its_date_reads_unfilled_and_the_lists_still_open(client, chain, login):
    org = chain["haidian"].org_unit
    site = make_website(org, "海淀区应急网站", filing=Filing.DONE, run_status=RunStatus.EMERGENCY_OFFLINE, offline_until=None,
                        site_code=f"{org.code}0001")
    assert site.run_status_label == "网站运行状态为：紧急下线并于（日期未填写）上线"
    assert site.operator_run_label == "紧急下线，并于（日期未填写）上线"
    temporary = make_website(org, "海淀区改版网站", filing=Filing.DONE, run_status=RunStatus.TEMP_OFFLINE, offline_until=None)
    assert temporary.run_status_label == "暂时下线恢复开通时间：（日期未填写）"
    for who in ("haidian", "beijing", "gb"):
        login(chain[who])
        response = client.get("/websites/review/?tab=all")
        assert response.status_code == 200, who
        assert "海淀区应急网站" in response.content.decode() and "（日期未填写）" in response.content.decode()


@requires_postgres
def test_the_overdue_emergency_notice_reads_its_own_index(client, chain, login):
    """下线审核's notice of the 紧急下线 past their reopening date comes from the partial index of the
    sites offline in an emergency, not a scan of every website (docs/benchmarks.md, session 16). The
    test table is tiny: the plan is asked with sequential scans off."""
    org = chain["haidian"].org_unit
    make_website(org, "海淀区逾期网站", filing=Filing.DONE, run_status=RunStatus.EMERGENCY_OFFLINE,
                 offline_until=timezone.localdate() - timedelta(days=2), site_code=f"{org.code}0002")
    login(chain["gb"])
    with CaptureQueriesContext(connection) as captured:
        assert "海淀区逾期网站" in client.get("/websites/offline-reviews/").content.decode()
    statement = next(q["sql"] for q in captured.captured_queries if "emergency_offline" in q["sql"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + statement)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "website_emergency_until" in plan, plan
