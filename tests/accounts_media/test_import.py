import io

import pytest
from openpyxl import load_workbook

from accounts_media import imports
from accounts_media.models import MediaAccount, Status
from reviews.models import JournalEntry
from tests.accounts_media.conftest import submit
from tests.imports.flow import confirm, upload
from tests.jobs_helpers import download_bytes

URL = "/media/import/"


def template(kind="region"):
    return load_workbook(io.BytesIO(imports.build_template(kind)))


def filled(rows, kind="region"):
    """The template with its example rows replaced by `rows`."""
    wb = template(kind)
    ws = wb[imports.SHEET]
    ws.delete_rows(imports.FIRST_DATA_ROW, ws.max_row)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bili(i, name=None):
    return [name or f"B站账号{i}", "海淀区上庄镇政府", "哔哩哔哩", "", "否", "是", "否", "是",
            f"https://space.bilibili.com/{10_000 + i}", "", "", ""]




@pytest.mark.parametrize("kind", ["region", "ministry"])
def test_the_template_follows_the_manual(client, chain, login, kind):
    login(chain["shangzhuang"])
    response = client.get(f"/media/import/template/{kind}/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["新媒体账号信息"]
    assert ws["A1"].value == "注：请严格按照《报送表格填写须知》填写本表格。"
    assert [c.value for c in ws[2]][:5] == ["*账号名称", "*开设主体", "*账号类型", "*其他账号类型/平台名称",
                                          "*账号是否代表省/市/县（区）人民政府或国务院部门"]
    assert ws["F2"].value == "*是否包含以下功能" and [ws["F3"].value, ws["G3"].value, ws["H3"].value] == ["信息发布", "办事服务", "互动交流"]
    assert ws["I2"].value == "*文章URL/主页URL/下载URL"
    assert ws["J2"].value == "账号联系人" and [ws["J3"].value, ws["K3"].value, ws["L3"].value] == ["姓名", "职务", "手机"]
    assert ws.max_row >= 4  # example rows to delete
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any("微信订阅号" in f and "抖音短视频" in f for f in validations.values())
    assert any(f == '"是,否"' for f in validations.values())
    assert "报送表格填写须知" in wb.sheetnames
    # The example rows themselves import cleanly (they are valid data).
    assert imports.parse_and_validate(response.content).ok


def test_three_valid_rows_create_three_accounts_with_journals(client, chain, login):
    login(chain["shangzhuang"])
    response = upload(client, filled([bili(1), bili(2), bili(3)]))
    assert response.status_code == 200 and "校验通过：共 3 个新媒体账号" in response.content.decode()
    assert MediaAccount.objects.count() == 0  # nothing yet: the user chooses 提交 or 暂存
    response = confirm(client, response, "submit")
    assert response.status_code == 302 and "tab=submitted" in response.url
    accounts = list(MediaAccount.objects.order_by("name"))
    assert [a.name for a in accounts] == ["B站账号1", "B站账号2", "B站账号3"]
    assert {(a.status, a.reviewer.code, a.platform_id) for a in accounts} == {
        (Status.ADD_PENDING, "110108", str(10_000 + i)) for i in (1, 2, 3)}
    assert JournalEntry.objects.filter(action="submit").count() == 3
    assert accounts[0].filer_unit.account_total == 3


def test_draft_choice_puts_every_row_in_drafts(client, chain, login):
    login(chain["shangzhuang"])
    response = confirm(client, upload(client, filled([bili(1), bili(2)])), "draft")
    assert response.status_code == 302 and "tab=drafts" in response.url
    assert set(MediaAccount.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_one_bad_row_in_two_hundred_saves_nothing_and_names_the_row(client, chain, login):
    rows = [bili(i) for i in range(200)]
    rows[136][2] = "推特"  # sheet row 4 + 136 = 140
    login(chain["shangzhuang"])
    response = upload(client, filled(rows))
    assert response.status_code == 400 and MediaAccount.objects.count() == 0
    assert response.context["errors"] == [(140, "*账号类型", "账号类型“推特”不正确，请从下拉列表中选择")]
    ws = load_workbook(io.BytesIO(download_bytes(client, response.context["errors_url"]))).active
    assert [c.value for c in ws[1]] == ["行数", "列", "错误信息"]
    assert [c.value for c in ws[2]] == [140, "*账号类型", "账号类型“推特”不正确，请从下拉列表中选择"]


def test_every_check_of_a_row(client, chain, login):
    submit(chain["tianjin_filer"], account_type="BL", wechat_kind="", url="https://space.bilibili.com/10005",
           platform_id="10005")
    rows = [
        ["", "", "", "", "", "", "", "", "", "", "", ""] + [],                   # blank: skipped
        ["缺字段", "", "微信公众号", "", "也许", "否", "否", "否", "https://mp.weixin.qq.com/s/AbCd", "", "", "123"],
        ["小程序", "单位", "小程序", "", "否", "是", "否", "否", "weixin://dl/business/?appid=wx4e1ba651bbe36d01", "", "", ""],
        bili(5),                                                               # already registered in Tianjin
        bili(6), bili(6, name="重复"),                                          # same account twice in the file
    ]
    login(chain["shangzhuang"])
    errors = upload(client, filled(rows)).context["errors"]
    messages = {(row, column): message for row, column, message in errors}
    assert messages[(5, "*开设主体")] == "开设主体不能为空"
    assert messages[(5, "*账号类型")] == "微信公众号请选择“微信订阅号”或“微信服务号”"
    assert "只能填写“是”或“否”" in messages[(5, "*账号是否代表省/市/县（区）人民政府或国务院部门")]
    assert messages[(5, "*是否包含以下功能")] == "至少有一项功能为“是”"
    assert "手机号格式不正确" in messages[(5, "账号联系人手机")]
    assert "__biz" in messages[(5, "*文章URL/主页URL/下载URL")]
    assert messages[(6, "*其他账号类型/平台名称")].startswith("账号类型为小程序或其他时")
    assert "已由“和平区教育局”（120101M001）报送" in messages[(7, "*文章URL/主页URL/下载URL")]
    assert messages[(9, "*文章URL/主页URL/下载URL")] == "与第 8 行是同一账号，不能重复导入"
    assert MediaAccount.objects.filter(filer_unit__code="110108M001").count() == 0


@pytest.mark.parametrize("name,content,message", [
    ("账号.xlsx", b"just some text, not a spreadsheet", "文件格式不正确"),
    ("账号.xlsx", b"PK\x03\x04broken zip", "文件格式不正确"),
    ("账号.xlsx", b"PK\x03\x04" + b"0" * (6 * 1024 * 1024), "文件过大"),
])
def test_foreign_broken_or_large_files_are_refused(client, chain, login, name, content, message):
    login(chain["shangzhuang"])
    response = upload(client, content, name)
    assert response.status_code == 400 and message in response.context["refusal"]
    assert MediaAccount.objects.count() == 0


def test_a_renamed_txt_is_refused(client, chain, login):
    login(chain["shangzhuang"])
    response = upload(client, "账号名称,开设主体\n南京公安,南京市公安局\n".encode(), "导入.xlsx")
    assert response.status_code == 400 and "文件格式不正确" in response.context["refusal"]


def test_more_than_5000_rows_is_refused(client, chain, login):
    login(chain["shangzhuang"])
    response = upload(client, filled([bili(i) for i in range(5001)]))
    assert response.status_code == 400 and "数据超过 5000 行" in response.context["refusal"]
    assert MediaAccount.objects.count() == 0


def test_a_foreign_workbook_is_refused(client, chain, login):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "年龄"])
    out = io.BytesIO()
    wb.save(out)
    login(chain["shangzhuang"])
    response = upload(client, out.getvalue())
    assert "表头与模板不一致" in response.context["refusal"]


def test_org_units_cannot_import(client, chain, login):
    login(chain["haidian"])
    assert client.get(URL).status_code == 403
    assert client.post("/media/import/confirm/", {"submit": "1", "job": "1"}).status_code == 403


def test_a_registration_racing_the_import_leaves_nothing_half_written(chain):
    """The registry check passed, but the same account was registered before the write: the
    unique index refuses it, the whole import is rolled back, and the user is told."""
    from django.db import transaction

    from accounts_media.imports import import_rows
    from reviews.engine import TransitionError
    from tests.accounts_media.conftest import account_data

    submit(chain["tianjin_filer"], account_type="BL", wechat_kind="", url="https://space.bilibili.com/10002",
           platform_id="10002")
    rows = [{"row": 4 + i, **account_data(account_type="BL", wechat_kind="", url=f"https://space.bilibili.com/{10_001 + i}",
                                          platform_id=str(10_001 + i), name=f"B站{i}")} for i in range(3)]
    with pytest.raises(TransitionError, match="未导入任何数据"), transaction.atomic():
        import_rows(chain["shangzhuang"], rows, submit=True)
    assert MediaAccount.objects.filter(filer_unit__code="110108M001").count() == 0
    assert JournalEntry.objects.filter(subject_type="media_account").count() == 1  # the Tianjin one


def test_a_second_quick_click_on_submit_is_told_it_was_its_own_import(chain):
    """Issue 30: two quick clicks on 提交 after the check — the losing one is not "another unit"."""
    from django.db import transaction

    from accounts_media.imports import import_rows
    from reviews.engine import TransitionError
    from tests.accounts_media.conftest import account_data

    rows = [{"row": 4 + i, **account_data(account_type="BL", wechat_kind="", url=f"https://space.bilibili.com/{20_001 + i}",
                                          platform_id=str(20_001 + i), name=f"B站{i}")} for i in range(2)]
    assert import_rows(chain["shangzhuang"], rows, submit=True) == 2
    with pytest.raises(TransitionError, match="已由本单位导入（可能重复点击了提交）"), transaction.atomic():
        import_rows(chain["shangzhuang"], rows, submit=True)
    assert MediaAccount.objects.filter(filer_unit__code="110108M001").count() == 2
