"""生成通报: the circular becomes an editable draft notice (title and text prefilled from the figures);
the .docx is regenerated from the edited text and the tables, and goes to the subtree attached."""
import io

import time_machine
from docx import Document

from reports.models import Notice, NoticeReceipt
from tests.reports.test_selfchecks import at, fill, open_q1, registry, sheet_of  # noqa: F401 (fixture)


def docx_of(response) -> tuple[str, list]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    doc = Document(io.BytesIO(body))
    return "\n".join(p.text for p in doc.paragraphs), [[c.text for c in r.cells] for t in doc.tables for r in t.rows]


@time_machine.travel(at(2026, 3, 18), tick=False)
def test_the_circular_is_edited_and_sent_as_a_notice_with_its_docx(client, chain, login, registry):  # noqa: F811
    open_q1(client, login, chain["haidian"], **{"2": "2026-03-20", "filer": "2026-03-17"})
    town = sheet_of("海淀区上庄镇政府")
    login(chain["shangzhuang"])
    client.get(f"/self-checks/sheets/{town.pk}/")
    rows = {i.name: i for i in town.items.all()}
    fill(client, town, {rows["上庄发布"]: ("0", ["监测时间点前2周无更新"], "已督促更新"), rows["上庄镇政府网"]: ("1", [], "")})
    client.post(f"/self-checks/sheets/{town.pk}/submit/")
    login(chain["haidian"])
    client.post(f"/self-checks/sheets/{town.pk}/accept/")

    assert "生成通报" in client.get("/self-checks/2026/1/circular/").content.decode()
    response = client.post("/self-checks/2026/1/circular/notice/")
    notice = Notice.objects.get()
    assert response["Location"] == f"/notices/{notice.pk}/edit/"
    assert (notice.status, notice.sender.code, notice.audience, notice.circular_quarter) == ("draft", "110108", "children", 1)
    assert notice.title == "关于2026年第1季度政府网站和政务新媒体检查情况的通报"
    assert "共检查政府网站和政务新媒体 2 个，不合格 1 个，合格率 50.00%" in notice.body
    form = client.get(f"/notices/{notice.pk}/edit/").content.decode()
    assert "合格率 50.00%" in form  # the editable text, prefilled
    assert client.post("/self-checks/2026/1/circular/notice/")["Location"] == f"/notices/{notice.pk}/edit/"  # one draft

    edited = "海淀区各镇街、区政府各部门：\n第一季度检查合格率 50.00%，上庄镇须在一周内完成整改。"
    client.post(f"/notices/{notice.pk}/edit/", {"title": "海淀区2026年第一季度检查通报", "menu_label": "检查通报",
                                                "body": edited, "audience": "children"})
    text, cells = docx_of(client.get(f"/notices/{notice.pk}/circular.docx"))
    assert "海淀区2026年第一季度检查通报" in text and "上庄镇须在一周内完成整改" in text and "现将有关情况通报如下" not in text
    assert ["监测时间点前2周无更新", "1"] in cells

    login(chain["chaoyang"])  # another county: nor preview nor send it
    assert client.get(f"/notices/{notice.pk}/circular.docx").status_code == 404
    assert client.post(f"/notices/{notice.pk}/send/").status_code == 404
    login(chain["haidian"])
    client.post(f"/notices/{notice.pk}/send/")
    notice.refresh_from_db()
    attachment = notice.attachments.get()
    assert notice.status == "sent" and attachment.name == "海淀区2026年第一季度检查通报.docx"
    assert set(NoticeReceipt.objects.values_list("unit_name", flat=True)) == {"海淀区上庄镇政府", "海淀区燕园街道办事处"}

    login(chain["shangzhuang"])
    text, cells = docx_of(client.get(f"/notices/attachments/{attachment.pk}/"))
    assert "上庄镇须在一周内完成整改" in text
    assert any(r[0] == "海淀区上庄镇政府" and r[2:] == ["上庄发布", "监测时间点前2周无更新", "已督促更新"] for r in cells)
    login(chain["tianjin_filer"])
    assert client.get(f"/notices/attachments/{attachment.pk}/").status_code == 404
