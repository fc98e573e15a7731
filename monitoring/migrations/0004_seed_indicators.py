"""The 2019 indicators (国办秘函〔2019〕19号) and the starter 严重表述错误 dictionary (decision 0045)."""
from django.db import migrations


def seed(apps, schema_editor):
    from monitoring.indicators import seed as seed_defaults

    seed_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_indicators")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
