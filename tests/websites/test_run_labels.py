"""运行状态 labels on rows whose dates are missing: a site carried over from an earlier system (or
written before the workflow asked for the date) must not fail the whole list it appears in."""
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
