# SmsCode.mobile encrypted at rest (SM4-GCM) and looked up by its HMAC-SM3 digest (decision 0052).

import govmedia.common.gm
from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from govmedia.common import gm
    from govmedia.ops import keys

    SmsCode = apps.get_model("accounts", "SmsCode")
    for pk, mobile in SmsCode.objects.filter(mobile_digest="").values_list("pk", "mobile").iterator():
        SmsCode.objects.filter(pk=pk).update(mobile_digest=gm.lookup_digest(mobile or "", "sms mobile"))
    keys.encrypt_column(SmsCode, "mobile")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_sessions_password_history'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='smscode', name='smscode_lookup'),
        migrations.AddField(
            model_name='smscode',
            name='mobile_digest',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='手机号摘要'),
        ),
        migrations.AlterField(
            model_name='smscode',
            name='mobile',
            field=govmedia.common.gm.EncryptedCharField(max_length=11, verbose_name='手机号'),
        ),
        migrations.AddIndex(
            model_name='smscode',
            index=models.Index(fields=['mobile_digest', 'purpose', '-created_at'], name='smscode_digest_lookup'),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
