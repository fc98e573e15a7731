from django.core.management import call_command

from accounts_media.models import MediaAccount, Status
from reviews.models import JournalEntry


def test_demo_accounts_cover_every_status_with_real_journals(tree, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Demo@2026")
    call_command("load_demo")
    call_command("load_demo_media")
    call_command("load_demo_media")  # twice: nothing more
    assert set(MediaAccount.objects.values_list("status", flat=True)) == set(Status.values)
    restored = MediaAccount.objects.get(status=Status.RESTORE_REJECTED)
    labels = list(JournalEntry.objects.filter(subject_type="media_account", subject_id=restored.pk).values_list("action_label", flat=True))
    assert labels == ["提交", "同意添加", "同意添加", "关停", "同意关停", "恢复", "驳回关停恢复申请"]
    assert MediaAccount.objects.filter(media_code="110108M001WX0001").exists()
