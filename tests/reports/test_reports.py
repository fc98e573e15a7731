import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from reports.models import SpotCheckReport, pass_rate
from tests.accounts_media.conftest import normal_account
from tests.jobs_helpers import export_file


def docx_bytes(text="季度报告"):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document><w:body>{text}</w:body></w:document>")
    return out.getvalue()


@pytest.fixture
def beijing_accounts(chain):
    return [normal_account(chain, name=f"北京账号{i}", account_type="BL", wechat_kind="",
                           url=f"https://space.bilibili.com/{500 + i}", platform_id=str(500 + i)) for i in range(3)]


def test_pass_rate_rule():
    assert str(pass_rate(433, 1)) == "99.77"
    assert str(pass_rate(3, 1)) == "66.67"
    assert pass_rate(0, 0) is None


def test_beijing_reports_q3_with_three_rows_and_gb_reads_it(client, chain, login, beijing_accounts, tree):
    login(chain["beijing"])
    response = client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 3})
    report = SpotCheckReport.objects.get()
    assert response["Location"] == f"/spot-checks/{report.pk}/"
    codes = [a.media_code for a in beijing_accounts]
    client.post(f"/spot-checks/{report.pk}/items/add/", {"account": codes[0], "passed": "1"})
    client.post(f"/spot-checks/{report.pk}/items/add/", {"account": codes[1], "passed": "1", "rectification": ""})
    html = client.post(f"/spot-checks/{report.pk}/items/add/", {"account": codes[2], "passed": "0"}, follow=True).content.decode()
    assert "不合格的账号须选择存在的突出问题" in html
    client.post(f"/spot-checks/{report.pk}/items/add/", {"account": codes[2], "passed": "0",
                                                         "problems": ["监测时间点前2周无更新"], "rectification": "已督促更新"})
    report.refresh_from_db()
    assert (report.checked_count, report.failed_count, str(report.pass_rate)) == (3, 1, "66.67")
    assert "66.67" in client.get("/spot-checks/").content.decode()
    document = docx_bytes()  # once: a zip carries its write time
    upload = SimpleUploadedFile("2026年第三季度报告.docx", document)
    client.post(f"/spot-checks/{report.pk}/document/", {"document": upload})
    report.refresh_from_db()
    assert report.document_name == "2026年第三季度报告.docx"
    html = client.post(f"/spot-checks/{report.pk}/submit/", follow=True).content.decode()
    assert "请先填写填表人和联系电话" in html
    client.post(f"/spot-checks/{report.pk}/header/", {"filler_name": "张填表", "filler_phone": "010-65190000"})
    client.post(f"/spot-checks/{report.pk}/submit/")
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_at
    # Read-only after 提交.
    client.post(f"/spot-checks/{report.pk}/items/add/", {"account": codes[0], "passed": "1"})
    client.post(f"/spot-checks/{report.pk}/header/", {"filler_name": "改", "filler_phone": "010-65190000"})
    report.refresh_from_db()
    assert report.items.count() == 3 and report.filler_name == "张填表"
    assert "添加检查结果" not in client.get(f"/spot-checks/{report.pk}/").content.decode()

    # GB sees it, sees 国家税务总局 has not submitted, downloads the document.
    login(chain["gb"])
    response = client.get("/spot-checks/overview/", {"year": 2026, "quarter": 3, "kind": "media"})
    html = response.content.decode()
    assert response.context["spec"].name == "spot_check_overview"  # on the shared list machinery
    assert any(u.code == "bm2900" for u in response.context["missing"])
    assert not any(u.code == "110000" for u in response.context["missing"])
    assert "66.67" in html
    download = client.get(f"/spot-checks/{report.pk}/document/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == document
    exported = load_workbook(io.BytesIO(export_file(client, "/spot-checks/overview/", {"year": 2026, "quarter": 3}))).active
    header = [c.value for c in exported[1]]  # an export job through the one writer, every column
    assert header[:6] == ["填报单位", "代码", "抽查数量", "不合格数量", "合格率(%)", "填报状态"]
    beijing = [r for r in exported.iter_rows(min_row=2, values_only=True) if r[1] == "110000"][0]
    assert beijing[2:6] == (3, 1, 66.67, "已提交") and beijing[header.index("第3季度合格率")] == 66.67

    # Another province: refused on every URL of the report.
    login(chain["tianjin"])
    for url in (f"/spot-checks/{report.pk}/", f"/spot-checks/{report.pk}/document/download/",
                f"/spot-checks/{report.pk}/items/export/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/spot-checks/{report.pk}/submit/").status_code == 403


def test_only_l1_units_report(client, chain, login):
    login(chain["haidian"])
    assert client.get("/spot-checks/").status_code == 403
    assert client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 3}).status_code == 403
    login(chain["shangzhuang"])
    assert client.get("/spot-checks/").status_code == 403


def test_one_report_per_quarter_and_a_zero_check_report_works(client, chain, login):
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 1})
    html = client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 1}, follow=True).content.decode()
    assert "抽查报告已存在" in html and SpotCheckReport.objects.count() == 1
    report = SpotCheckReport.objects.get()
    client.post(f"/spot-checks/{report.pk}/header/", {"filler_name": "张填表", "filler_phone": "18812348822",
                                                       "checked_count": 0, "failed_count": 0})
    client.post(f"/spot-checks/{report.pk}/submit/")
    report.refresh_from_db()
    assert report.status == "submitted" and report.pass_rate is None
    assert client.get(f"/spot-checks/{report.pk}/").status_code == 200
    assert re.search(r'<span data-testid="rate">—</span>', client.get("/spot-checks/").content.decode())
    login(chain["gb"])
    assert client.get("/spot-checks/overview/", {"year": 2026, "quarter": 1}).status_code == 200


def test_counts_without_rows_are_checked(client, chain, login):
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "website", "year": 2026, "quarter": 2})
    report = SpotCheckReport.objects.get()
    html = client.post(f"/spot-checks/{report.pk}/header/", {"filler_name": "张", "filler_phone": "18812348822",
                                                              "checked_count": 5, "failed_count": 9}, follow=True).content.decode()
    assert "不合格数量不能大于抽查数量" in html
    client.post(f"/spot-checks/{report.pk}/header/", {"filler_name": "张", "filler_phone": "18812348822",
                                                       "checked_count": 433, "failed_count": 1})
    report.refresh_from_db()
    assert str(report.pass_rate) == "99.77"


@pytest.mark.parametrize("name,content,message", [
    ("报告.pdf", b"MZ\x90\x00\x03 this is a windows executable", "文件内容与扩展名 .pdf 不符"),
    ("报告.exe", b"MZ\x90\x00", "仅支持上传 pdf、doc、docx、xls、xlsx、wps"),
    ("报告.docx", b"%PDF-1.4 a pdf named docx", "文件内容与扩展名 .docx 不符"),
])
def test_documents_are_checked_by_content(client, chain, login, name, content, message):
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 3})
    report = SpotCheckReport.objects.get()
    html = client.post(f"/spot-checks/{report.pk}/document/", {"document": SimpleUploadedFile(name, content)},
                       follow=True).content.decode()
    assert message in html
    report.refresh_from_db()
    assert not report.document


def test_pdf_and_wps_are_accepted(client, chain, login):
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 3})
    report = SpotCheckReport.objects.get()
    client.post(f"/spot-checks/{report.pk}/document/", {"document": SimpleUploadedFile("报告.pdf", b"%PDF-1.7\n%...")})
    report.refresh_from_db()
    assert report.document_name == "报告.pdf"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    client.post(f"/spot-checks/{report.pk}/document/", {"document": SimpleUploadedFile("报告.wps", ole)})
    report.refresh_from_db()
    assert report.document_name == "报告.wps"


def test_items_import_and_export_round_trip(client, chain, login, beijing_accounts):
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 4})
    report = SpotCheckReport.objects.get()
    template = load_workbook(io.BytesIO(client.get(f"/spot-checks/{report.pk}/items/template/").content))
    ws = template["检查结果信息表"]
    assert ws["A1"].value.startswith("填报单位：北京市") and [c.value for c in ws[4]][:3] == ["序号", "新媒体标识码", "新媒体类型"]
    ws.delete_rows(5, 10)
    codes = [a.media_code for a in beijing_accounts]
    ws.append([1, codes[0], "", "", "", "合格", "", ""])
    ws.append([2, codes[1], "", "", "", "不合格", "监测时间点前2周无更新；其他（留言无回复）", "限期整改"])
    ws.append([3, "120101M001WX0001", "", "", "", "合格", "", ""])
    out = io.BytesIO()
    template.save(out)
    bad = client.post(f"/spot-checks/{report.pk}/items/import/", {"file": SimpleUploadedFile("结果.xlsx", out.getvalue())})
    assert bad.status_code == 400 and bad.context["errors"][0][0] == 7 and report.items.count() == 0
    ws.delete_rows(7)
    out = io.BytesIO()
    template.save(out)
    client.post(f"/spot-checks/{report.pk}/items/import/", {"file": SimpleUploadedFile("结果.xlsx", out.getvalue())})
    report.refresh_from_db()
    assert (report.checked_count, report.failed_count) == (2, 1)
    failed = report.items.get(passed=False)
    assert failed.problems == ["监测时间点前2周无更新", "其他"] and failed.problem_other == "留言无回复"
    exported = load_workbook(io.BytesIO(client.get(f"/spot-checks/{report.pk}/items/export/").content)).active
    rows = list(exported.iter_rows(min_row=5, values_only=True))
    assert [r[1] for r in rows] == codes[:2]
    assert rows[1][5:8] == ("不合格", "监测时间点前2周无更新；其他（留言无回复）", "限期整改")


def test_account_search_keeps_to_the_scope(client, chain, login, beijing_accounts):
    login(chain["beijing"])
    found = client.get("/spot-checks/accounts/", {"q": "北京账号"}).json()["accounts"]
    assert len(found) == 3
    login(chain["tianjin"])
    assert client.get("/spot-checks/accounts/", {"q": "北京账号"}).json()["accounts"] == []


def test_items_import_refuses_broken_files_and_rows_already_there(client, chain, login, beijing_accounts):
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 2})
    report = SpotCheckReport.objects.get()
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<not really a workbook")
    response = client.post(f"/spot-checks/{report.pk}/items/import/", {"file": SimpleUploadedFile("坏.xlsx", broken.getvalue())})
    assert response.status_code == 400 and "无法读取该文件" in response.context["refusal"]
    assert response.context["errors"] == [] and "第0行" not in response.content.decode()  # a file-level refusal
    template = load_workbook(io.BytesIO(client.get(f"/spot-checks/{report.pk}/items/template/").content))
    ws = template["检查结果信息表"]
    ws.delete_rows(5, 10)
    ws.append([1, beijing_accounts[0].media_code, "", "", "", "合格", "", ""])
    out = io.BytesIO()
    template.save(out)
    for _ in range(2):
        client.post(f"/spot-checks/{report.pk}/items/import/", {"file": SimpleUploadedFile("结果.xlsx", out.getvalue())})
    report.refresh_from_db()
    assert report.items.count() == 1 and report.checked_count == 1


def test_website_reports_check_websites_not_media_accounts(client, chain, login, beijing_accounts):
    from tests.websites.test_websites import _done_site

    site = _done_site(chain)
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "website", "year": 2026, "quarter": 2})
    report = SpotCheckReport.objects.get()
    html = client.post(f"/spot-checks/{report.pk}/items/add/", {"account": beijing_accounts[0].media_code, "passed": "1"},
                       follow=True).content.decode()
    assert "请从本单位管理范围内" in html and report.items.count() == 0
    found = client.get("/spot-checks/accounts/", {"q": "海淀区人民", "kind": "website"}).json()["accounts"]
    assert found == [{"code": site.site_code, "name": "海淀区人民政府网", "type": "政府网站"}]
    client.post(f"/spot-checks/{report.pk}/items/add/", {"account": site.site_code, "passed": "0",
                                                         "problems": ["其他"], "problem_other": "栏目长期未更新"})
    item = report.items.get()
    assert (item.website_id, item.type_label, item.problems_display) == (site.pk, "政府网站", "其他（栏目长期未更新）")
    report.refresh_from_db()
    assert (report.checked_count, report.failed_count, report.pass_rate) == (1, 1, 0)
