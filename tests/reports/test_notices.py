from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Notice, NoticeReceipt

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_gb_sends_a_notice_with_a_pdf_and_sees_who_opened_it(client, chain, login, tree):
    tax = chain["ministry"]  # 国家税务总局
    login(chain["gb"])
    response = client.post("/notices/new/", {"title": "关于核查部分新媒体账号的通知", "menu_label": "待核查账号（第三批）",
                                             "body": "请于11月底前完成核查。", "recipients": [tree["110000"].pk, tree["bm2900"].pk]})
    notice = Notice.objects.get()
    assert response["Location"] == f"/notices/{notice.pk}/" and notice.status == "draft"
    html = client.post(f"/notices/{notice.pk}/attachments/", {"file": SimpleUploadedFile("核查名单.exe", b"MZ")},
                       follow=True).content.decode()
    assert "仅支持上传" in html
    client.post(f"/notices/{notice.pk}/attachments/", {"file": SimpleUploadedFile("核查名单.pdf", PDF)})
    attachment = notice.attachments.get()
    # 110000 sees nothing of a draft.
    login(chain["beijing"])
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    login(chain["gb"])
    client.post(f"/notices/{notice.pk}/send/")
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert set(NoticeReceipt.objects.values_list("org_unit__code", flat=True)) == {"110000", "bm2900"}
    # Sent: read-only.
    client.post(f"/notices/{notice.pk}/edit/", {"title": "改", "menu_label": "x"})
    notice.refresh_from_db()
    assert notice.title == "关于核查部分新媒体账号的通知"

    # 北京市: the menu follows the notice; opens and downloads.
    login(chain["beijing"])
    page = client.get("/notices/").content.decode()
    assert "待核查账号（第三批）" in page and "关于核查部分新媒体账号的通知" in page
    assert client.get(f"/notices/{notice.pk}/").status_code == 200
    download = client.get(f"/notices/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    receipt = NoticeReceipt.objects.get(org_unit__code="110000")
    assert receipt.opened_at and receipt.downloaded_at

    # GB sees it, and sees 国家税务总局 has not opened it.
    login(chain["gb"])
    html = client.get(f"/notices/{notice.pk}/").content.decode()
    assert html.count("未查看") == 1 and "国家税务总局" in html
    assert NoticeReceipt.objects.get(org_unit__code="bm2900").opened_at is None
    listing = client.get("/notices/").content.decode()
    assert "关于核查部分新媒体账号的通知" in listing

    # 天津市 cannot reach it; nor can 海淀区, below 北京市 but not a recipient.
    for other in ("tianjin", "haidian"):
        login(chain[other])
        assert client.get(f"/notices/{notice.pk}/").status_code == 404
        assert client.get(f"/notices/attachments/{attachment.pk}/").status_code == 404
        assert "关于核查部分新媒体账号的通知" not in client.get("/notices/").content.decode()
        assert "待核查账号（第三批）" not in client.get("/notices/").content.decode()
    login(tax)
    assert "待核查账号（第三批）" in client.get("/media/").content.decode()  # its menu label too


def test_gb_sends_to_all_l1_units_and_filer_units_cannot_write(client, chain, login, tree):
    login(chain["shangzhuang"])
    assert client.get("/notices/new/").status_code == 403
    login(chain["gb"])
    client.post("/notices/new/", {"title": "全体通知", "menu_label": "待核查账号", "audience": "children"})
    notice = Notice.objects.get()
    client.post(f"/notices/{notice.pk}/send/")
    l1_count = sum(1 for u in tree.values() if u.level == 1)
    assert NoticeReceipt.objects.filter(notice=notice).count() == l1_count


def test_a_notice_without_recipients_is_not_sent(client, chain, login):
    login(chain["gb"])
    client.post("/notices/new/", {"title": "无接收单位", "menu_label": "待核查账号"})
    notice = Notice.objects.get()
    html = client.post(f"/notices/{notice.pk}/send/", follow=True).content.decode()
    assert "请选择接收单位" in html
    notice.refresh_from_db()
    assert notice.status == "draft"
