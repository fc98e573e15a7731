# The SMS number and e-mail address of a notification encrypted at rest (SM4-GCM, decision 0052).

import govmedia.common.gm
from django.db import migrations


def encrypt_existing(apps, schema_editor):
    from govmedia.ops import keys

    Notification = apps.get_model("notifications", "Notification")
    for field in ("sms_to", "email_to"):
        keys.encrypt_column(Notification, field, batch=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0003_digest_count'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='email_to',
            field=govmedia.common.gm.EncryptedCharField(blank=True, max_length=254, verbose_name='邮件地址'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='sms_to',
            field=govmedia.common.gm.EncryptedCharField(blank=True, max_length=20, verbose_name='短信号码'),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
