"""提交 of a spot-check report and 下发 of a notice are transitions of the review engine (decision
0035): 403 for a unit that may never, 409 when the state moved on (a second click, a stale tab), the
version check, one journal row; the drafts' edits and attachments are journaled old → new."""
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Notice, SpotCheckReport
from reviews.models import JournalEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def changes(entry) -> dict:
    return {c["field"]: (c["old"], c["new"]) for c in entry.changes}


def test_a_report_is_submitted_once_through_the_engine_and_its_draft_edits_are_journaled(client, chain, login):
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 2})
    report = SpotCheckReport.objects.get()
    refusal = client.post(f"/spot-checks/{report.pk}/submit/")
    assert refusal.status_code == 409 and "请先填写填表人和联系电话" in refusal.content.decode()  # a guard: the state
    client.post(f"/spot-checks/{report.pk}/header/", {"filler_name": "张填表", "filler_phone": "010-65190000",
                                                       "checked_count": 4, "failed_count": 1})
    edit = JournalEntry.objects.get(action="report_edit")
    assert changes(edit)["filler_name"] == ("", "张填表") and changes(edit)["checked_count"] == ("0", "4")
    assert edit.subject_type == "report" and edit.scope_path == chain["beijing"].org_unit.path
    page = client.get(f"/spot-checks/{report.pk}/").content.decode()
    assert 'data-transition="report_submit"' in page and 'name="version" value="0"' in page  # the engine's button

    login(chain["tianjin"])  # another province: never (403), the report untouched
    assert client.post(f"/spot-checks/{report.pk}/submit/").status_code == 403
    login(chain["beijing"])
    assert client.post(f"/spot-checks/{report.pk}/submit/", {"version": "7"}).status_code == 409  # a stale page
    assert client.post(f"/spot-checks/{report.pk}/submit/", {"version": "0"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.version) == ("submitted", 1) and report.submitted_at
    second = client.post(f"/spot-checks/{report.pk}/submit/", {"version": "0"})
    assert second.status_code in (403, 409)  # submitted: no longer an own draft, refused either way
    entry = JournalEntry.objects.get(action="report_submit")
    assert (entry.status_before, entry.status_after, entry.action_label) == ("未提交", "已提交", "提交抽查报告")
    assert changes(entry)["failed_count"] == ("", "1") and entry.actor == chain["beijing"]


def test_a_notice_is_sent_once_through_the_engine_and_its_draft_and_attachments_are_journaled(client, chain, login, tree):
    login(chain["gb"])
    client.post("/notices/new/", {"title": "关于核查的通知", "menu_label": "待核查账号", "audience": "chosen"})
    notice = Notice.objects.get()
    assert JournalEntry.objects.get(action="notice_draft").action_label == "新建通知草稿"
    assert client.post(f"/notices/{notice.pk}/send/").status_code == 409  # 请选择接收单位: the state, not the user
    client.post(f"/notices/{notice.pk}/edit/", {"title": "关于核查部分账号的通知", "menu_label": "待核查账号",
                                                "audience": "chosen", "recipients": [tree["110000"].pk]})
    edit = JournalEntry.objects.filter(action="notice_draft").latest("id")
    assert edit.action_label == "修改通知草稿"
    assert changes(edit)["title"] == ("关于核查的通知", "关于核查部分账号的通知")
    assert changes(edit)["recipients"] == ("", "北京市")
    client.post(f"/notices/{notice.pk}/attachments/", {"file": SimpleUploadedFile("名单.pdf", PDF)})
    assert changes(JournalEntry.objects.get(action="notice_attach"))["attachments"] == ("", "名单.pdf")

    login(chain["beijing"])  # a receiver may not send the sender's notice: not even found
    assert client.post(f"/notices/{notice.pk}/send/").status_code == 404
    login(chain["gb"])
    assert client.post(f"/notices/{notice.pk}/send/").status_code == 302
    assert client.post(f"/notices/{notice.pk}/send/").status_code == 409  # a second click
    notice.refresh_from_db()
    assert (notice.status, notice.version) == ("sent", 1)
    sent = JournalEntry.objects.get(action="notice_send")
    assert (sent.status_before, sent.status_after, sent.data["recipients"]) == ("草稿", "已下发", ["110000"])
    assert changes(sent)["recipients"] == ("", "北京市") and sent.scope_path == tree["GB0000"].path


def test_deleting_a_filer_unit_twice_is_a_conflict_not_a_refusal(client, chain, login):
    filer = chain["shangzhuang"].filer_unit
    login(chain["haidian"])
    assert client.post(f"/filer-units/{filer.pk}/delete/", {"reason": "撤并"}).status_code == 302
    again = client.post(f"/filer-units/{filer.pk}/delete/", {"reason": "撤并"})
    assert again.status_code == 409 and "该填报单位已删除" in again.content.decode()
    filer.refresh_from_db()
    assert (filer.status, filer.version) == ("deleted", 1)
    entry = JournalEntry.objects.get(action="filer_delete")
    assert (entry.reason, entry.status_before, entry.status_after) == ("撤并", "正常", "已删除")
