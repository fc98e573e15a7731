from datetime import timedelta

from captcha.models import CaptchaStore
from django.core.management import call_command
from django.utils import timezone


def test_stale_captchas_are_cleaned_and_live_ones_kept(db):
    from govmedia.common.captcha import cleanup_stale_captchas

    now = timezone.now()
    stale = CaptchaStore.objects.create(challenge="ABCD", response="abcd")
    CaptchaStore.objects.filter(pk=stale.pk).update(expiration=now - timedelta(minutes=1))
    live = CaptchaStore.objects.create(challenge="EFGH", response="efgh")
    assert live.expiration > now
    assert cleanup_stale_captchas(now) == 1
    assert list(CaptchaStore.objects.values_list("pk", flat=True)) == [live.pk]


def test_the_command_runs_the_cleanup(db, capsys):
    old = CaptchaStore.objects.create(challenge="ABCD", response="abcd")
    CaptchaStore.objects.filter(pk=old.pk).update(expiration=timezone.now() - timedelta(hours=2))
    call_command("cleanup_captchas")
    assert "已清理过期验证码 1 条" in capsys.readouterr().out
    assert not CaptchaStore.objects.exists()
