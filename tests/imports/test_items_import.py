"""The 检查结果信息表 import, the same bad-import set: the full import (counted in the report) or
a refusal naming the rows, the report unchanged."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts_media import imports
from reports import items_excel
from reports.models import SpotCheckItem, SpotCheckReport
from tests.accounts_media.conftest import normal_account
from tests.imports.files import broken_zip, openpyxl_file, xlsxwriter_file

PREAMBLE = {1: ["填报单位：北京市"], 2: ["填表人：张填表"], 3: ["联系电话：010-12345678"], 4: items_excel.HEADERS}


@pytest.fixture
def codes(chain):
    return [normal_account(chain, name=f"北京账号{i}", account_type="BL", wechat_kind="",
                           url=f"https://space.bilibili.com/{900 + i}", platform_id=str(900 + i)).media_code
            for i in range(12)]


@pytest.fixture
def report(client, chain, login):
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 1})
    return SpotCheckReport.objects.get()


def ok(n, code):
    return [n, code, "", "", "", "合格", "", ""]


def upload(client, report, content):
    return client.post(f"/spot-checks/{report.pk}/items/import/", {"file": SimpleUploadedFile("结果.xlsx", content)})


def refused(client, report, content):
    response = upload(client, report, content)
    assert response.status_code == 400 and SpotCheckItem.objects.count() == 0
    report.refresh_from_db()
    assert report.checked_count == 0
    return response.context["refusal"], response.context["errors"]


def imported(client, report, content, count):
    response = upload(client, report, content)
    assert response.status_code == 302, response.context and (response.context["refusal"] or response.context["errors"])
    report.refresh_from_db()
    assert report.items.count() == count == report.checked_count
    return report


def test_the_template_layout(client, report, codes):
    imported(client, report, openpyxl_file({**PREAMBLE, 5: ok(1, codes[0]), 6: ok(2, codes[1])}, sheet="检查结果信息表"), 2)


def test_one_row_header_at_row_1(client, report, codes):
    imported(client, report, openpyxl_file({1: items_excel.HEADERS, 2: ok(1, codes[0])}), 1)


def test_5001_rows_are_refused_naming_the_limit(client, report, codes):
    refusal, _ = refused(client, report, openpyxl_file({**PREAMBLE, **{5 + i: ok(i, codes[0]) for i in range(5001)}}))
    assert refusal.startswith("数据超过 5000 行（第 5005 行是第 5001 个数据行）")


def test_duplicates_inside_name_both_rows(client, report, codes):
    _, errors = refused(client, report, openpyxl_file({**PREAMBLE, 5: ok(1, codes[0]), 6: ok(2, codes[1]), 7: ok(3, codes[0])}))
    assert errors == [(7, "新媒体标识码", "与第 5 行是同一账号，不能重复填写")]


def test_rows_after_blank_rows_and_at_6001_6010(client, report, codes):
    rows = {5: ok(1, codes[0]), 9: ok(2, codes[1]), **{6001 + i: ok(3 + i, codes[2 + i]) for i in range(10)}}
    imported(client, report, openpyxl_file({**PREAMBLE, **rows}), 12)


def test_over_long_values_are_refused_not_cut(client, report, codes):
    content = openpyxl_file({**PREAMBLE, 5: [1, codes[0], "", "", "", "合格", "", "改" * 501],
                             6: [2, codes[1], "", "", "", "不合格", "其他（" + "问" * 201 + "）", ""],
                             7: [3, codes[2], "", "", "", "合格", "", "改" * 500]})
    _, errors = refused(client, report, content)
    assert errors == [(5, "整改情况", "整改情况不能超过 500 个字符（当前 501 个）"),
                      (6, "存在的突出问题", "“其他”的说明不能超过 200 个字符（当前 201 个）")]


def test_nul_is_refused(client, report, codes):
    content = xlsxwriter_file({**PREAMBLE, 5: [1, codes[0], "", "", "", "合格", "", "已\x00整改"]})
    _, errors = refused(client, report, content)
    assert errors == [(5, "整改情况", "整改情况含有不可见的控制字符（U+0000）：请删除后重新导入")]


def test_site_codes_typed_as_numbers_are_the_codes(client, chain, login):
    from tests.websites.test_websites import _done_site

    site = _done_site(chain)
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "website", "year": 2026, "quarter": 2})
    report = SpotCheckReport.objects.get()
    content = xlsxwriter_file({**PREAMBLE, 4: items_excel.WEBSITE_HEADERS, 5: [1, float(site.site_code), "", "", "", "合格", "", ""]})
    assert imported(client, report, content, 1).items.get().website_id == site.pk


def test_header_only_is_refused(client, report, codes):
    refusal, errors = refused(client, report, openpyxl_file(PREAMBLE))
    assert refusal.startswith("表中没有检查结果") and errors == []


def test_the_wrong_template_names_the_expected_one(client, report, codes):
    content = openpyxl_file({1: [imports.NOTE], 2: [c.title for c in imports.COLUMNS], 3: ["南京公安"]})
    refusal, _ = refused(client, report, content)
    assert refusal.startswith("表头与模板不一致") and "“下载模板”得到的检查结果信息表" in refusal and "序号、新媒体标识码" in refusal


@pytest.mark.parametrize("content,message", [
    (broken_zip(), "无法读取该文件"),
    ("序号,新媒体标识码\n1,110108M001BL0001\n".encode(), "文件格式不正确"),
])
def test_broken_zip_and_renamed_text(client, report, codes, content, message):
    response = upload(client, report, content)
    if response.status_code == 302:   # refused at the upload check, before the reader
        follow = client.get(response["Location"])
        assert message in follow.content.decode()
    else:
        assert message in response.context["refusal"] and "第0行" not in response.content.decode()
    assert SpotCheckItem.objects.count() == 0


def test_rows_that_would_lose_something_are_reported(client, report, codes):
    content = openpyxl_file({**PREAMBLE, 5: [1], 6: [2, "", "", "上庄发布"], 7: [3, codes[0], "", "", "", "合格", "监测时间点前2周无更新"],
                             8: [4, codes[1], "", "", "", "不合格", "其他"]})
    _, errors = refused(client, report, content)
    assert errors == [(5, "新媒体标识码", "只填写了序号：请填写新媒体标识码等内容，或删除该行"),
                      (5, "是否合格", "只能填写“合格”或“不合格”"),
                      (6, "新媒体标识码", "标识码不能为空"), (6, "是否合格", "只能填写“合格”或“不合格”"),
                      (7, "存在的突出问题", "合格的账号不填写存在的突出问题（仅不合格的填写）：请删除或改为“不合格”"),
                      (8, "存在的突出问题", "选“其他”时须写明问题，如“其他（留言无回复）”")]
