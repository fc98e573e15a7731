"""Notices from any org unit to units of its subtree (decision 0032): a county writes to its filer
units, a province to chosen children or to a whole audience; receipts (opened / downloaded); the
unread count in the menu and on the home page; no unit reaches another subtree's notices."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Notice, NoticeReceipt
from tests.factories import make_filer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def write(client, data, pdf=True):
    client.post("/notices/new/", {"menu_label": "待核查账号", "body": "请于3月17日前报送。", **data})
    notice = Notice.objects.latest("id")
    if pdf:
        client.post(f"/notices/{notice.pk}/attachments/", {"file": SimpleUploadedFile("检查结果信息表.pdf", PDF)})
    return notice


def receivers(notice):
    return set(NoticeReceipt.objects.filter(notice=notice).values_list("unit_name", flat=True))


@pytest.fixture
def county_notice(client, chain, login):
    login(chain["haidian"])
    notice = write(client, {"title": "关于开展第一季度检查工作的通知", "menu_label": "检查通知", "audience": "children"})
    client.post(f"/notices/{notice.pk}/send/")
    notice.refresh_from_db()
    return notice


def test_a_county_notice_reaches_its_filer_units_who_open_and_download_it(client, chain, login, county_notice):
    assert county_notice.status == "sent" and county_notice.sender.code == "110108"
    assert receivers(county_notice) == {"海淀区上庄镇政府", "海淀区燕园街道办事处"}
    login(chain["shangzhuang"])
    home = client.get("/media/").content.decode()
    assert 'data-testid="menu-unread"' in home and 'data-testid="home-unread"' in home and "1 份未读通知" in home
    assert ">检查通知</a>" in home  # the menu follows the latest notice received
    listing = client.get("/notices/").content.decode()
    assert "关于开展第一季度检查工作的通知" in listing and "未读" in listing
    assert client.get(f"/notices/{county_notice.pk}/").status_code == 200
    attachment = county_notice.attachments.get()
    assert b"".join(client.get(f"/notices/attachments/{attachment.pk}/").streaming_content) == PDF
    receipt = NoticeReceipt.objects.get(notice=county_notice, filer_unit=chain["shangzhuang"].filer_unit)
    assert receipt.opened_at and receipt.downloaded_at
    home = client.get("/media/").content.decode()
    assert 'data-testid="menu-unread"' not in home and 'data-testid="home-unread"' not in home
    # The county sees who opened and downloaded; 燕园 has not.
    login(chain["haidian"])
    detail = client.get(f"/notices/{county_notice.pk}/").content.decode()
    assert detail.count("未查看") == 1 and detail.count("未下载") == 1
    assert NoticeReceipt.objects.get(notice=county_notice, unit_name="海淀区燕园街道办事处").opened_at is None
    # The sender opening its own notice records nothing.
    assert NoticeReceipt.objects.filter(notice=county_notice, opened_at__isnull=False).count() == 1


@pytest.mark.parametrize("other", ["beijing", "chaoyang", "heping", "tianjin", "tianjin_filer", "gb", "commerce"])
def test_no_unit_outside_the_recipients_reaches_the_county_notice(client, chain, login, county_notice, other):
    attachment = county_notice.attachments.get()
    login(chain[other])
    assert client.get(f"/notices/{county_notice.pk}/").status_code == 404
    assert client.get(f"/notices/attachments/{attachment.pk}/").status_code == 404
    assert "关于开展第一季度检查工作的通知" not in client.get("/notices/").content.decode()
    if other in ("beijing", "chaoyang", "heping", "tianjin", "gb"):  # org units: nor edit, attach or send it
        assert client.post(f"/notices/{county_notice.pk}/edit/", {"title": "改"}).status_code == 404
        assert client.post(f"/notices/{county_notice.pk}/send/").status_code == 404


def test_two_counties_side_by_side_see_only_their_own(client, chain, login, tree, county_notice):
    chaoyang_filer = make_filer(tree["110105"], "朝阳区商务局", 1).user
    login(chain["chaoyang"])
    theirs = write(client, {"title": "朝阳区检查通知", "audience": "children"}, pdf=False)
    client.post(f"/notices/{theirs.pk}/send/")
    assert receivers(theirs) == {"朝阳区商务局"}
    assert "关于开展第一季度检查工作的通知" not in client.get("/notices/").content.decode()
    login(chaoyang_filer)
    listing = client.get("/notices/").content.decode()
    assert "朝阳区检查通知" in listing and "关于开展第一季度检查工作的通知" not in listing
    login(chain["shangzhuang"])
    assert client.get(f"/notices/{theirs.pk}/").status_code == 404


def test_a_province_chooses_children_and_may_not_pick_a_foreign_unit(client, chain, login, tree):
    login(chain["beijing"])
    page = client.get("/notices/new/").content.decode()
    assert "海淀区（110108）" in page and "北京市商务局" in page and "天津市" not in page and "海淀区上庄镇政府" not in page
    refused = client.post("/notices/new/", {"title": "越权", "menu_label": "x", "audience": "chosen",
                                            "recipients": [tree["120000"].pk]})
    assert refused.status_code == 200 and not Notice.objects.exists()
    notice = write(client, {"title": "指定单位", "audience": "chosen", "recipients": [tree["110108"].pk],
                            "filer_recipients": [chain["commerce"].filer_unit.pk]})
    client.post(f"/notices/{notice.pk}/send/")
    assert receivers(notice) == {"海淀区", "北京市商务局"}
    login(chain["haidian"])
    assert client.get(f"/notices/{notice.pk}/").status_code == 200
    login(chain["chaoyang"])
    assert client.get(f"/notices/{notice.pk}/").status_code == 404


@pytest.mark.parametrize(("audience", "expected"), [
    ("filers", {"北京市商务局", "海淀区上庄镇政府", "海淀区燕园街道办事处"}),
    ("subtree", {"北京市商务局", "海淀区上庄镇政府", "海淀区燕园街道办事处", "海淀区", "朝阳区"}),
    ("children", {"北京市商务局", "海淀区", "朝阳区"}),
])
def test_a_province_sends_to_a_whole_audience_of_its_subtree(client, chain, login, audience, expected):
    login(chain["beijing"])
    notice = write(client, {"title": "全市通知", "audience": audience}, pdf=False)
    client.post(f"/notices/{notice.pk}/send/")
    assert receivers(notice) == expected  # nothing of 天津市


def test_the_draft_and_its_attachments_belong_to_the_writer(client, chain, login, tree):
    login(chain["haidian"])
    draft = write(client, {"title": "草稿", "audience": "children"}, pdf=False)
    login(chain["shangzhuang"])
    assert client.get(f"/notices/{draft.pk}/").status_code == 404  # a draft is no one's to read
    login(chain["beijing"])
    assert client.post(f"/notices/{draft.pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404
    assert not draft.attachments.exists()
