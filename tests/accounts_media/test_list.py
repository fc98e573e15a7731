import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts_media.models import MediaAccount
from accounts_media.services import perform
from tests.accounts_media.conftest import account_data, normal_account, submit
from tests.factories import make_filer
from tests.jobs_helpers import export_all, export_file

LIST = "/media/"


@pytest.fixture
def accounts(chain, tree):
    made = {
        "wx": normal_account(chain),                                                       # 110108M001, 正常
        "wb": submit(chain["yanyuan"], account_type="WB", wechat_kind="", url="https://weibo.com/u/2265830070",
                     platform_id="2265830070", name="燕园街道", func_service=True, represents_government=True),
        "commerce": normal_account(chain, "commerce", account_type="KH", wechat_kind="",
                                   url="https://apps.apple.com/cn/app/id1485553352", platform_id="ios:1485553352",
                                   name="北京商务"),
        "tianjin": submit(chain["tianjin_filer"], account_type="BL", wechat_kind="",
                          url="https://space.bilibili.com/434377496", platform_id="434377496", name="和平教育"),
    }
    from accounts_media import services

    made["draft"] = perform(services.new_account(chain["shangzhuang"]), "save_draft", chain["shangzhuang"],
                            account_data(account_type="DY", wechat_kind="", name="=1+1",
                                         url="https://www.douyin.com/user/MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE",
                                         platform_id="MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE"))
    return made


def names(response):
    return {row["obj"].name for row in response.context["rows"]}


def test_a_county_unit_sees_its_subtree_in_every_tab(client, chain, login, accounts):
    login(chain["haidian"])
    for tab, expected in (("submitted", {"上庄发布", "燕园街道"}), ("drafts", {"=1+1"}), ("pending", {"燕园街道"})):
        assert names(client.get(LIST, {"tab": tab})) == expected, tab
    login(chain["beijing"])
    assert names(client.get(LIST)) == {"上庄发布", "燕园街道", "北京商务"}
    login(chain["tianjin"])
    assert names(client.get(LIST)) == {"和平教育"}
    login(chain["shangzhuang"])
    assert names(client.get(LIST)) == {"上庄发布"}


def test_a_foreign_code_in_the_query_string_returns_nothing(client, chain, login, accounts):
    login(chain["haidian"])
    for params in ({"org1": "120000"}, {"org2": "120101"}, {"org3": "120101"}):
        assert names(client.get(LIST, params)) == set(), params
    login(chain["beijing"])
    assert names(client.get(LIST, {"org2": "110108"})) == {"上庄发布", "燕园街道"}


def test_filters(client, chain, login, accounts):
    login(chain["beijing"])
    assert names(client.get(LIST, {"account_type": "WB"})) == {"燕园街道"}
    assert names(client.get(LIST, {"status": "normal"})) == {"上庄发布", "北京商务"}
    assert names(client.get(LIST, {"media_code": "110108m001wx0001"})) == {"上庄发布"}
    assert names(client.get(LIST, {"name": "上庄发布"})) == {"上庄发布"}
    assert names(client.get(LIST, {"name": "上庄"})) == {"上庄发布"}  # any part of the name (issue 30)
    # 账号ID/URL: the id, the link as pasted, or another link of the same account.
    assert names(client.get(LIST, {"account_id": "2265830070"})) == {"燕园街道"}
    assert names(client.get(LIST, {"account_id": "https://m.weibo.cn/profile/2265830070"})) == {"燕园街道"}
    assert names(client.get(LIST, {"account_id": "https://apps.apple.com/app/id1485553352"})) == {"北京商务"}
    assert names(client.get(LIST, {"functions": ["func_service"]})) == {"燕园街道"}
    assert names(client.get(LIST, {"functions": ["func_publish", "func_interact"]})) == {"上庄发布", "燕园街道", "北京商务"}
    assert names(client.get(LIST, {"represents_government": "1"})) == {"燕园街道"}
    today = timezone.localdate(MediaAccount.objects.first().created_at).isoformat()  # the filter reads Beijing dates
    assert len(names(client.get(LIST, {"created_from": today, "updated_to": today}))) == 3
    assert names(client.get(LIST, {"created_to": "2000-01-01"})) == set()


def test_summary_line_counts_the_scope(client, chain, login, accounts):
    login(chain["beijing"])
    html = client.get(LIST).content.decode()
    assert "已报送新媒体账号共计 3 个：微信公众号 1 个，新浪微博 1 个，移动客户端 1 个，其他 0 个" in html


@pytest.mark.parametrize("per_page", [20, 100])
def test_the_page_costs_a_constant_number_of_queries(client, chain, login, tree, per_page, django_assert_max_num_queries):
    filer = make_filer(tree["110108"], "海淀区批量单位", 9).user
    from accounts_media.services import create_many

    create_many(filer, "submit", [account_data(account_type="BL", wechat_kind="", url=f"https://space.bilibili.com/{i}",
                                               platform_id=str(i), name=f"批量{i}") for i in range(1, 121)])
    login(chain["gb"])
    client.get(LIST)
    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"per_page": per_page})
    assert len(response.context["rows"]) == per_page


def read(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_export_all_has_exactly_the_filtered_rows_and_text_stays_text(client, chain, login, accounts):
    login(chain["haidian"])
    page = client.get(LIST, {"tab": "drafts"})
    ws = export_all(client, LIST, {"tab": "drafts"}).active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["填报单位唯一标识", "填报单位全称", "新媒体标识码", "账号类型"]
    for title in ("省/部", "市/省局", "区县/地方部门", "开设主体", "文章URL/主页URL/下载URL", "biz/oid/ID", "账号联系人手机号"):
        assert title in header
    body = list(ws.iter_rows(min_row=2))
    assert len(body) == len(page.context["rows"]) == 1
    name_cell = body[0][header.index("名称")]
    assert name_cell.value == "=1+1" and name_cell.data_type == "s"
    assert body[0][header.index("账号类型")].value == "抖音短视频"
    assert body[0][header.index("市/省局")].value == "海淀区" and body[0][header.index("省/部")].value == "北京市"
    login(chain["beijing"])
    ws = export_all(client, LIST, {"status": "normal"}).active
    assert sorted(r[header.index("名称")] for r in ws.iter_rows(min_row=2, values_only=True)) == ["上庄发布", "北京商务"]


def test_export_selected_keeps_to_the_scope(client, chain, login, accounts):
    login(chain["beijing"])
    ids = [accounts["wx"].pk, accounts["tianjin"].pk]
    ws = read(client.post(LIST, {"ids": ids})).active
    header = [c.value for c in ws[1]]
    assert [r[header.index("名称")] for r in ws.iter_rows(min_row=2, values_only=True)] == ["上庄发布"]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed here")
def test_libreoffice_opens_the_export(client, chain, login, accounts, tmp_path):
    """The export job's file opened by LibreOffice: a name typed as =1+1 stays the text =1+1."""
    login(chain["haidian"])
    path = tmp_path / "export.xlsx"
    path.write_bytes(export_file(client, LIST, {"tab": "drafts"}))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    text = (tmp_path / "export.csv").read_text(encoding="utf-8", errors="replace")
    assert "=1+1" in text and "抖音短视频" in text


def test_columns_and_actions_follow_the_manual(client, chain, login, accounts):
    login(chain["haidian"])
    response = client.get(LIST, {"tab": "pending"})
    titles = [c.title for c in response.context["columns"]]
    assert titles[:5] == ["填报单位唯一标识", "填报单位全称", "新媒体标识码", "账号类型", "状态"]
    html = response.content.decode()
    assert reverse("media:review", args=[accounts["wb"].pk]) in html
    client.post(reverse("lists:columns", args=["media_accounts"]), {"columns": ["name", "operator"], "next": LIST})
    assert [c.key for c in client.get(LIST).context["columns"]] == ["name", "operator"]


def test_cached_counts_follow_every_change(client, chain, login, accounts, django_assert_max_num_queries):
    login(chain["haidian"])
    assert client.get(LIST, {"tab": "pending"}).context["counts"]["pending"] == 1
    with django_assert_max_num_queries(7):  # counts and the paginator's total come from the cache
        response = client.get(LIST, {"tab": "pending"})
    assert response.context["page"].paginator.count == 1
    from tests.accounts_media.conftest import approve

    approve(accounts["wb"], chain["haidian"])
    response = client.get(LIST, {"tab": "pending"})
    assert response.context["counts"]["pending"] == 0 and response.context["page"].paginator.count == 0
