from django.db import migrations


def forward(apps, schema_editor):
    """Filer units still on their initial password (the unit above can read it) change it at
    their next login, as new filer units do at their first (decision 0025)."""
    User = apps.get_model("accounts", "User")
    User.objects.filter(kind="filer").exclude(initial_password_encrypted="").update(must_change_password=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_smscode_no_delivered")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
