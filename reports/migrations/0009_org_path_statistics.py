"""The subtree's rows of this table are read by a prefix of `org_path`: PostgreSQL learns how many each
path holds (govmedia.common.sqlport.column_statistics), so a small subtree is read by its path."""
from django.db import migrations

from govmedia.common.sqlport import PATH_STATISTICS, column_statistics


class Migration(migrations.Migration):

    dependencies = [("reports", "0008_personal_data_sm4")]

    operations = [column_statistics("reports_checksheet", "org_path", PATH_STATISTICS)]
