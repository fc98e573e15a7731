"""Public accountability figures: for two org units, the figures of accountability.csv are what the
journal (and the monitoring findings) say, and the file validates with frictionless."""
import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from accounts_media import services as media_services
from accounts_media.platforms import extract_platform_id
from reviews.models import JournalEntry
from tests.accounts_media.conftest import account_data, approve
from tests.verify.conftest import day_on_disk
from verify import accountability

BEIJING = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 10, 12, 10, 0, tzinfo=BEIJING)  # a Monday of 2026Q4


def submit_at(clock, chain, filer, name, url, type_code, opened_on):
    kind = "subscription" if type_code == "WX" else ""
    data = account_data(name=name, account_type=type_code, wechat_kind=kind, url=url,
                        platform_id=extract_platform_id(type_code, url), opened_on=opened_on)
    return media_services.perform(media_services.new_account(chain[filer]), "submit", chain[filer], data)


def test_the_figures_of_two_units_are_what_the_journal_says(chain, settings, tmp_path):
    from frictionless import validate

    from monitoring.models import Finding, Kind
    from verify.services import publish_open_data

    settings.MEDIA_ROOT = str(tmp_path)
    with time_machine.travel(START, tick=False) as clock:
        # 上庄 (a filer of 海淀区): reaches 海淀区, waits 2 days, then 北京市, waits 3 days
        shangzhuang = submit_at(clock, chain, "shangzhuang", "上庄发布", "https://weibo.com/u/2265830070", "WB",
                                date(2026, 10, 10))
        clock.shift(timedelta(days=2))
        shangzhuang = approve(shangzhuang, chain["haidian"])
        clock.shift(timedelta(days=3))
        shangzhuang = approve(shangzhuang, chain["beijing"])
        # 北京市商务局 (a filer of 北京市 itself): two accounts, waits of 12 hours and 1 day
        first = submit_at(clock, chain, "commerce", "北京商务", "https://weibo.com/u/5501756072", "WB",
                          date(2026, 10, 16))
        clock.shift(timedelta(hours=12))
        first = approve(first, chain["beijing"])
        second = submit_at(clock, chain, "commerce", "北京商务服务", "https://weibo.com/u/1669879400", "WB",
                           date(2026, 9, 1))  # opened long before: 逾期备案
        clock.shift(timedelta(days=1))
        second = approve(second, chain["beijing"])
        # findings on 北京市's accounts: one fixed after 3 days, one still open
        now = datetime.now(BEIJING)
        Finding.objects.create(account=first, kind=Kind.ACCOUNT_LINK, detail="无法访问", first_seen=now,
                               last_seen=now + timedelta(days=3), closed_at=now + timedelta(days=3))
        Finding.objects.create(account=second, kind=Kind.ACCOUNT_LINK, detail="无法访问", first_seen=now, last_seen=now)
    with time_machine.travel(datetime(2026, 12, 6, 10, 0, tzinfo=BEIJING), tick=False):
        publish_open_data()
        folder = day_on_disk(tmp_path, "2026-12-06")
        body = Client().get("/open-data/latest/accountability.csv")
        raw = b"".join(body.streaming_content)
    rows = {r["组织单位代码"]: r for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))) if r["季度"] == "2026Q4"}

    # what the journal says, read here on its own
    def journal_registered(path):
        return JournalEntry.objects.filter(subject_type="media_account", action="approve_add", status_after="正常",
                                           scope_path=path).count()

    def journal_reviews(code):
        return JournalEntry.objects.filter(actor_unit_code=code, action__in=["approve_add", "reject_add"]).count()

    beijing, haidian = rows["110000"], rows["110108"]
    assert int(beijing["新登记账号数"]) == journal_registered("/GB0000/110000/") == 2
    assert int(haidian["新登记账号数"]) == journal_registered("/GB0000/110000/110108/") == 1
    assert int(beijing["审核次数"]) == journal_reviews("110000") == 3
    assert int(haidian["审核次数"]) == journal_reviews("110108") == 1
    assert float(beijing["审核等待天数中位数"]) == 1.0   # waits 3, 0.5, 1 days
    assert float(haidian["审核等待天数中位数"]) == 2.0
    # opened → submitted: 1 (10-16 → 10-17) and 46 days (09-01 → 10-17) for 北京市, 2 days for 海淀区
    assert [(a.submitted_on - a.opened_on).days for a in (first, second)] == [1, 46]
    assert float(beijing["开设至备案天数中位数"]) == 23.5 and float(haidian["开设至备案天数中位数"]) == 2.0
    late = [a.filed_late for a in (first, second)]
    assert float(beijing["逾期备案占比"]) == sum(late) / 2 and late == [False, True]
    assert float(haidian["逾期备案占比"]) == float(shangzhuang.filed_late)
    assert (beijing["监测发现问题数"], beijing["已整改问题数"], beijing["整改天数中位数"]) == ("2", "1", "3.0")
    assert (haidian["监测发现问题数"], haidian["整改天数中位数"]) == ("0", "")
    assert beijing["组织单位"] == "北京市" and beijing["级别"] == "1"
    # the Data Package (and so this file with its Table Schema) validates
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    # and the public page shows the same figures
    html = Client().get("/verify/accountability/", {"quarter": "2026Q4", "q": "海淀"}).content.decode()
    assert "海淀区" in html and "北京市商务局" not in html


def test_the_window_is_four_quarters():
    assert accountability.window_start(date(2026, 12, 6)) == date(2026, 1, 1)
    assert accountability.window_start(date(2027, 2, 1)) == date(2026, 4, 1)
    assert accountability.quarter_of(date(2026, 10, 1)) == "2026Q4"
