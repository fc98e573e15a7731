"""批量导入 of media accounts, the bad-import set: every file gives the full import (counted in
the database) or a refusal naming the rows, and a refusal leaves the database unchanged."""
import pytest

from accounts_media import imports
from accounts_media.models import MediaAccount
from reviews.models import JournalEntry
from tests.imports.flow import confirm, upload
from tests.imports.files import broken_zip, libreoffice_file, openpyxl_file, truncated, xlsxwriter_file

URL = "/media/import/"
TITLES = [c.title for c in imports.COLUMNS]                 # the manual's first header row
SUBS = [c.sub or "" for c in imports.COLUMNS]               # its second row
FLAT = [c.sub or c.title for c in imports.COLUMNS]          # a one-row header naming every column
MERGES = ["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:H2", "I2:I3", "J2:L2"]


def bili(i, name=None, **cells):
    row = [name or f"B站账号{i}", "海淀区上庄镇政府", "哔哩哔哩", "", "否", "是", "否", "是",
           f"https://space.bilibili.com/{10_000 + i}", "", "", ""]
    for index, value in cells.items():
        row[int(index[1:])] = value
    return row


def manual(rows_at):
    """The manual's layout: note row, two-row header, data from row 4."""
    return openpyxl_file({1: [imports.NOTE], 2: TITLES, 3: SUBS, **rows_at}, sheet=imports.SHEET, merges=MERGES)




def imported(client, content, count):
    """Upload, check it passes with `count` rows, 提交, and count them in the database."""
    response = upload(client, content)
    assert response.status_code == 200, response.context.get("refusal") or response.context.get("errors")
    assert f"校验通过：共 {count} 个新媒体账号" in response.content.decode()
    assert confirm(client, response, "submit").status_code == 302
    assert MediaAccount.objects.count() == count
    return MediaAccount.objects.order_by("name")


def refused(client, content):
    journal = JournalEntry.objects.count()
    response = upload(client, content)
    assert response.status_code == 400
    # Nothing of the accounts changed (the journal also records the login, which is not the import's).
    assert MediaAccount.objects.count() == 0 and not JournalEntry.objects.filter(subject_type="media_account").exists()
    assert JournalEntry.objects.count() == journal
    return response.context.get("refusal") or "", response.context.get("errors") or []


@pytest.fixture
def filer(client, chain, login):
    login(chain["shangzhuang"])
    return chain["shangzhuang"]


def test_the_manuals_two_row_header(client, filer):
    assert [a.name for a in imported(client, manual({4: bili(1), 5: bili(2)}), 2)] == ["B站账号1", "B站账号2"]


def test_one_row_header_under_the_note_imports_row_3(client, filer):
    """The manual's header on one row (no 信息发布… row): the first data row is row 3, and it counts."""
    content = openpyxl_file({1: [imports.NOTE], 2: TITLES, 3: bili(1), 4: bili(2), 5: bili(3)}, sheet=imports.SHEET)
    assert [a.name for a in imported(client, content, 3)] == ["B站账号1", "B站账号2", "B站账号3"]


def test_one_row_header_naming_every_column_at_row_1(client, filer):
    content = openpyxl_file({1: FLAT, 2: bili(1), 3: bili(2)})
    assert imported(client, content, 2).count() == 2


def test_5001_rows_are_refused_naming_the_limit(client, filer):
    content = openpyxl_file({1: FLAT, **{2 + i: bili(i) for i in range(5001)}})
    refusal, _ = refused(client, content)
    assert refusal.startswith("数据超过 5000 行（第 5002 行是第 5001 个数据行）")


def test_5000_rows_under_a_one_row_header_all_count(client, filer):
    result = imports.parse_and_validate(openpyxl_file({1: [imports.NOTE], 2: TITLES,
                                                       **{3 + i: bili(i) for i in range(5000)}}))
    assert result.ok and len(result.rows) == 5000 and result.rows[0]["row"] == 3


def test_duplicates_inside_the_file_name_both_rows(client, filer):
    _, errors = refused(client, manual({4: bili(1), 5: bili(2), 6: bili(1, name="另一个名字")}))
    assert errors == [(6, "*文章URL/主页URL/下载URL", "与第 4 行是同一账号，不能重复导入")]


def test_rows_after_blank_rows_and_at_6001_6010_are_imported(client, filer):
    rows = {**{4 + i: bili(i) for i in range(10)}, **{6001 + i: bili(100 + i) for i in range(10)}, 30: bili(50)}
    accounts = imported(client, manual(rows), 21)
    assert {a.platform_id for a in accounts} >= {"10100", "10109", "10050"}


def test_over_long_values_are_refused_with_row_and_column(client, filer):
    content = manual({4: bili(1, name="名" * 150), 5: bili(2, c10="职" * 60, c9="姓" * 40),
                      6: bili(3, c1="单" * 101), 7: bili(4, name="名" * 100)})
    _, errors = refused(client, content)
    assert errors == [(4, "*账号名称", "账号名称不能超过 100 个字符（当前 150 个）"),
                      (5, "账号联系人姓名", "账号联系人姓名不能超过 30 个字符（当前 40 个）"),
                      (5, "账号联系人职务", "账号联系人职务不能超过 50 个字符（当前 60 个）"),
                      (6, "*开设主体", "开设主体不能超过 100 个字符（当前 101 个）")]   # row 7: exactly 100 is fine


def test_nul_and_control_characters_are_refused_not_a_500(client, filer):
    content = xlsxwriter_file({1: [imports.NOTE], 2: TITLES, 3: SUBS, 4: bili(1, name="上庄\x00发布"),
                               5: bili(2, c1="上庄镇\x1f政府"), 6: bili(3, name="_x0000_"), 7: bili(4)},
                              sheet=imports.SHEET)
    _, errors = refused(client, content)
    assert errors == [(4, "*账号名称", "账号名称含有不可见的控制字符（U+0000）：请删除后重新导入"),
                      (5, "*开设主体", "开设主体含有不可见的控制字符（U+001F）：请删除后重新导入"),
                      (6, "*账号名称", "账号名称含有不可见的控制字符（_x0000_）：请删除后重新导入")]
    assert client.post("/media/import/confirm/", {"submit": "1"}).status_code == 302  # nothing staged: no 500
    assert MediaAccount.objects.count() == 0


def test_numbers_in_code_columns_become_the_code(client, filer):
    content = xlsxwriter_file({1: [imports.NOTE], 2: TITLES, 3: SUBS, 4: bili(1, c9="张三", c11=13800000000),
                               5: bili(2, name=2026)}, sheet=imports.SHEET)
    accounts = imported(client, content, 2)
    assert [(a.name, a.contact_mobile) for a in accounts] == [("2026", ""), ("B站账号1", "13800000000")]


def test_header_only_is_refused(client, filer):
    refusal, errors = refused(client, manual({}))
    assert refusal.startswith("文件中没有数据行") and errors == []


def test_the_wrong_template_names_the_expected_one(client, filer):
    from reports import items_excel

    content = openpyxl_file({1: ["填报单位：北京市"], 2: ["填表人："], 3: ["联系电话："], 4: items_excel.HEADERS,
                             5: [1, "110108M001BL0001", "", "", "", "合格"]})
    refusal, _ = refused(client, content)
    assert refusal.startswith("表头与模板不一致") and "*账号名称、*开设主体" in refusal
    assert "【批量导入】-【下载模板】下载的模板" in refusal
    swapped = openpyxl_file({1: [imports.NOTE], 2: [TITLES[1], TITLES[0], *TITLES[2:]], 3: SUBS, 4: bili(1)})
    refusal, _ = refused(client, swapped)
    assert refusal.startswith("表头与模板不一致：第 2 行第 A 列应为“*账号名称”，实为“*开设主体”")


@pytest.mark.parametrize("content,message", [
    (broken_zip(), "无法读取该文件：文件已损坏"),
    (b"PK\x03\x04broken zip", "文件格式不正确"),
    ("账号名称,开设主体\n南京公安,南京市公安局\n".encode(), "文件格式不正确"),
])
def test_broken_zip_and_renamed_text_are_refused(client, filer, content, message):
    refusal, errors = refused(client, content)
    assert message in refusal and errors == []


def test_a_truncated_download_is_refused(client, filer):
    refusal, _ = refused(client, truncated(manual({4: bili(1)})))
    assert "文件格式不正确" in refusal or "无法读取该文件" in refusal


def test_content_beside_the_template_and_data_above_the_header(client, filer):
    _, errors = refused(client, manual({4: bili(1), 5: bili(2) + ["", "备注：这一行另有说明"]}))
    assert errors == [(5, "N 列", "模板没有该列，其中的内容不会被导入：请删除或移到正确的列")]
    refusal, _ = refused(client, openpyxl_file({1: bili(9), 2: TITLES, 3: SUBS, 4: bili(1)}))
    assert refusal.startswith("第 1 行在表头（第 2 行）之上")


def test_a_file_saved_by_libreoffice(client, filer, tmp_path):
    lines = [",".join(FLAT)] + [",".join(bili(i)) for i in range(3)] + ["", ""] + [",".join(bili(7))]
    content = libreoffice_file("\n".join(lines) + "\n", tmp_path)
    if content is None:
        pytest.skip("LibreOffice (soffice) is not installed here")
    assert imported(client, content, 4).count() == 4


def test_the_check_reports_its_progress(filer):
    """A job running the check can show how far it has come (every 500 rows, and at the end)."""
    calls = []
    result = imports.parse_and_validate(manual({4 + i: bili(i) for i in range(1200)}), progress=lambda d, t: calls.append((d, t)))
    assert result.ok and calls == [(500, 1200), (1000, 1200), (1200, 1200)]
