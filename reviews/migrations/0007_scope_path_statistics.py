"""The subtree's rows of this table are read by a prefix of `scope_path`: PostgreSQL learns how many each
path holds (govmedia.common.sqlport.column_statistics), so a small subtree is read by its path."""
from django.db import migrations

from govmedia.common.sqlport import PATH_STATISTICS, column_statistics


class Migration(migrations.Migration):

    dependencies = [("reviews", "0006_contacts_sm4")]

    operations = [column_statistics("reviews_journalentry", "scope_path", PATH_STATISTICS)]
