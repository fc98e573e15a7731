"""组织单位信息查询 with the contacts org units keep in 用户设置, and website rows of the spot checks
under the website manual's titles (issue 15)."""
import io

import time_machine
from openpyxl import load_workbook

from reports import items_excel
from reports.models import SpotCheckReport
from reviews.models import JournalEntry
from tests.reports.test_selfchecks import at, open_q1, registry, sheet_of  # noqa: F401  (registry is a fixture)
from tests.websites.test_websites import _done_site


# --- 8. 组织单位信息查询 and 用户设置 → 组织单位信息 ----------------------------------------------

def test_org_units_keep_their_own_contacts_which_the_query_shows(client, chain, login, tree):
    login(chain["haidian"])
    assert "组织单位信息" in client.get("/settings/").content.decode()
    html = client.post("/settings/org-unit/", {"contact_person": "赵联系", "contact_phone": "123",
                                               "contact_email": "x"}).content.decode()
    assert "请输入正确的手机号或座机号" in html and "请输入正确的邮箱地址" in html
    response = client.post("/settings/org-unit/", {"contact_person": " 赵联系 ", "contact_phone": "010-82781234",
                                                   "contact_email": "hd@bjhd.gov.cn"})
    assert response.status_code == 302
    tree["110108"].refresh_from_db()
    assert (tree["110108"].contact_person, tree["110108"].contact_phone) == ("赵联系", "010-82781234")
    entry = JournalEntry.objects.filter(subject_type="org_unit", subject_id=tree["110108"].pk).last()
    assert entry.action_label == "修改组织单位信息" and entry.actor_unit_code == "110108"
    login(chain["beijing"])
    html = client.get("/websites/org-units/", {"q": "海淀"}).content.decode()
    assert "赵联系" in html and "010-82781234" in html and "hd@bjhd.gov.cn" in html
    # Filer units and website operators have no org unit to maintain.
    login(chain["shangzhuang"])
    assert client.get("/settings/org-unit/").status_code == 403


def test_org_unit_levels_read_as_the_manual_names_org_units(client, chain, login, tree):
    login(chain["gb"])
    html = client.get("/websites/org-units/").content.decode()
    html = client.get("/websites/org-units/", {"per_page": 100}).content.decode()
    assert "<td>省级组织单位</td>" in html and "<td>市级组织单位</td>" in html and "<td>县级组织单位</td>" in html
    assert "<td>国务院部委组织单位</td>" in html and "<td>省级垂直管理机构组织单位</td>" in html
    assert "<td>省直</td>" not in html and "<td>市直</td>" not in html and "<td>县直</td>" not in html
    assert (tree["110000"].org_tier_label, tree["110108"].org_tier_label, tree["GB0000"].org_tier_label) == (
        "省级组织单位", "市级组织单位", "国务院办公厅")
    assert tree["110000"].tier_label == "省直"  # a filer unit's tier (添加填报单位) keeps the manual's 省直


# --- 9. website rows of 上报抽查情况 and 检查结果信息表 --------------------------------------------

def test_website_report_rows_are_titled_as_websites(client, chain, login):
    site = _done_site(chain)
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "website", "year": 2026, "quarter": 2})
    report = SpotCheckReport.objects.get()
    html = client.get(f"/spot-checks/{report.pk}/").content.decode()
    assert "空白栏目" in html  # the website indicators to choose from
    client.post(f"/spot-checks/{report.pk}/items/add/", {"account": site.site_code, "passed": "0", "problems": ["空白栏目"]})
    assert report.items.get().problems == ["空白栏目"]
    html = client.get(f"/spot-checks/{report.pk}/").content.decode()
    head = html.split("检查结果信息表</span>", 1)[1].split("</thead>", 1)[0]
    assert "<th>网站名称</th><th>首页网址</th><th>主办单位</th>" in head and "新媒体类型" not in head
    assert "https://www.bjhd.gov.cn/" in html and "北京市海淀区人民政府办公室" in html
    ws = load_workbook(io.BytesIO(client.get(f"/spot-checks/{report.pk}/items/export/").content)).active
    assert [c.value for c in ws[4]][:5] == ["序号", "网站标识码", "网站名称", "首页网址", "主办单位"]
    assert [c.value for c in ws[5]][:5] == [1, site.site_code, "海淀区人民政府网", "https://www.bjhd.gov.cn/", "北京市海淀区人民政府办公室"]
    template = load_workbook(io.BytesIO(items_excel.template(report))).active
    assert [c.value for c in template[4]][:5] == items_excel.WEBSITE_HEADERS[:5]
    # A media report keeps the new-media titles.
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 2})
    media = SpotCheckReport.objects.get(kind="media")
    head = client.get(f"/spot-checks/{media.pk}/").content.decode().split("检查结果信息表</span>", 1)[1].split("</thead>", 1)[0]
    assert "<th>新媒体类型</th><th>新媒体名称</th><th>开设单位</th>" in head


@time_machine.travel(at(2026, 3, 11), tick=False)
def test_a_check_sheet_titles_its_website_rows_as_websites(client, chain, login, registry):  # noqa: F811
    open_q1(client, login, chain["haidian"], **{"2": "2026-03-20", "filer": "2026-03-17"})
    login(chain["shangzhuang"])
    town = sheet_of("海淀区上庄镇政府")
    html = client.get(f"/self-checks/sheets/{town.pk}/").content.decode()
    media_table = html.split('data-testid="rows"', 1)[1].split("</table>", 1)[0]
    site_table = html.split('data-testid="rows-websites"', 1)[1].split("</table>", 1)[0]
    assert "<th>新媒体类型</th><th>新媒体名称</th><th>开设单位</th>" in media_table and "上庄发布" in media_table
    assert "<th>网站名称</th><th>首页网址</th><th>主办单位</th>" in site_table and "上庄镇政府网" in site_table
    assert "https://上庄镇政府网.gov.cn/" in site_table and "上庄发布" not in site_table


def test_a_website_report_imports_its_own_template_with_the_website_indicators(client, chain, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.imports.files import openpyxl_file

    site = _done_site(chain)
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "website", "year": 2026, "quarter": 2})
    report = SpotCheckReport.objects.get()
    preamble = {1: ["填报单位：北京市"], 2: ["填表人：张填表"], 3: ["联系电话：010-12345678"]}

    def upload(rows):
        content = openpyxl_file({**preamble, **rows})
        return client.post(f"/spot-checks/{report.pk}/items/import/", {"file": SimpleUploadedFile("结果.xlsx", content)})

    # The new-media header is not a website report's template.
    assert upload({4: items_excel.HEADERS, 5: [1, site.site_code, "", "", "", "合格", "", ""]}).status_code == 400
    response = upload({4: items_excel.WEBSITE_HEADERS, 5: [1, site.site_code, site.name, site.homepage, site.sponsor,
                                                            "不合格", "空白栏目；栏目不更新", "已整改"]})
    assert response.status_code == 302
    assert report.items.get().problems == ["空白栏目", "栏目不更新"]
