"""The 主办单位 chosen as a filer unit of the site's org unit (decision 0021): on 新增网站 and on
基本信息修改 (reviewed like any change, shown by the unit's name), and the quarterly sheet matches
the site by that id, whatever the text says; sites matched by nothing are shown to the org unit."""
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from reports.check_rounds import deadline_tiers, open_round
from reports.models import SpotCheckItem
from reviews.models import JournalEntry
from tests.jobs_helpers import run_queued_jobs
from tests.websites.test_websites import STEP_ONE, STEP_TWO, _done_site, apply_online, column_post
from websites.models import Filing, Website


def test_the_application_chooses_the_sponsor_among_the_org_units_filer_units(chain):
    town = chain["shangzhuang"].filer_unit
    form = Client()
    form.get("/websites/apply/form/?step=1")
    form.post("/websites/apply/form/", STEP_ONE)
    page = form.get("/websites/apply/form/").content.decode()
    assert "主办单位对应的填报单位" in page and town.name in page
    assert chain["tianjin_filer"].filer_unit.name not in page  # only the site's org unit's filer units
    # Neither text nor unit: refused; a unit of another org unit: refused.
    html = form.post("/websites/apply/form/", {**STEP_TWO, "sponsor": ""}).content.decode()
    assert "主办单位不能为空" in html
    html = form.post("/websites/apply/form/", {**STEP_TWO, "sponsor_filer_unit": chain["tianjin_filer"].filer_unit.pk}).content.decode()
    assert "所选填报单位不属于该网站的组织单位" in html
    assert not Website.objects.exists()
    # The unit chosen, the text left empty: the text is the unit's full name.
    apply_online(Client(), step_two={**STEP_TWO, "sponsor": "", "sponsor_filer_unit": town.pk})
    site = Website.objects.get()
    assert (site.sponsor, site.sponsor_filer_unit) == (town.name, town)


def test_a_change_of_the_sponsors_unit_is_reviewed_named_journaled_and_puts_the_site_on_its_sheet(client, chain, login):
    site = _done_site(chain)
    yanyuan = chain["yanyuan"].filer_unit
    assert site.sponsor_filer_unit is None and site.sponsor == STEP_TWO["sponsor"]
    login(site.operator_user)
    assert client.post("/websites/mine/change/", column_post(sponsor_filer_unit=yanyuan.pk)).status_code == 302
    site.refresh_from_db()
    assert site.filing == Filing.MODIFYING and site.pending_changes["sponsor_filer_unit_id"] == yanyuan.pk
    assert site.sponsor_filer_unit is None  # until approved
    login(chain["haidian"])
    page = client.get(f"/websites/review/{site.pk}/").content.decode()
    assert f"{yanyuan.name}（{yanyuan.code}）" in page and "（未选择）" in page
    client.post(f"/websites/review/{site.pk}/approve_change/")
    site.refresh_from_db()
    assert site.filing == Filing.DONE and site.sponsor_filer_unit == yanyuan
    assert site.sponsor == STEP_TWO["sponsor"]  # the text stays as written
    entry = JournalEntry.objects.filter(subject_id=site.pk, action="approve_change").latest("pk")
    assert {"field": "sponsor_filer_unit_id", "old": "（未选择）", "new": f"{yanyuan.name}（{yanyuan.code}）"}.items() <= \
        next(c for c in entry.changes if c["field"] == "sponsor_filer_unit_id").items()
    login(site.operator_user)
    assert f"填报单位：{yanyuan.name}" in client.get("/websites/mine/").content.decode()

    # The quarter: by id on 燕园's sheet, though its text names neither 燕园 nor any filer unit; an
    # unmatched site stays on 海淀区's own sheet, marked for the org unit.
    other = _done_site_named(chain, "海淀区某某中心网", "https://zx.bjhd.gov.cn/", "海淀区某某中心")
    haidian = chain["haidian"]
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    open_round(haidian, year, quarter, {k: today + timedelta(days=5) for k, _ in deadline_tiers(haidian.org_unit)})
    run_queued_jobs()
    row = SpotCheckItem.objects.get(website=site)
    assert row.sheet.filer_unit == yanyuan and not row.sponsor_unmatched
    unmatched = SpotCheckItem.objects.get(website=other)
    assert unmatched.sheet.filer_unit is None and unmatched.sheet.org_unit == haidian.org_unit and unmatched.sponsor_unmatched
    login(haidian)
    page = client.get(f"/self-checks/sheets/{unmatched.sheet_id}/").content.decode()
    assert "主办单位未匹配填报单位" in page


def _done_site_named(chain, name, homepage, sponsor):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.contrib.auth.models import AnonymousUser

    from websites import services

    site = services.apply({**STEP_ONE, **STEP_TWO, "name": name, "homepage": homepage, "sponsor": sponsor,
                           "org_unit": chain["haidian"].org_unit}, AnonymousUser())
    services.perform(site, "submit", chain["haidian"])
    services.perform(site, "approve", chain["haidian"], {"result_label": "审核通过"})
    services.perform(site, "approve", chain["beijing"], {"result_label": "审核通过",
                                                         "now": datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))})
    services.generate_site_codes(now=datetime(2026, 1, 1, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    site.refresh_from_db()
    return site
