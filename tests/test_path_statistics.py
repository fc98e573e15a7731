"""A subtree's rows are read by a prefix of their materialised path; PostgreSQL keeps 1,000 buckets
of statistics on those paths (govmedia.common.sqlport.column_statistics), so a county's 86 accounts
are estimated as 86, not 2,268, and read by the path index instead of a walk of the order index."""
import pytest
from django.db import connection

from govmedia.common.sqlport import PATH_STATISTICS

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps no statistics target")]

PATHS = {("accounts_media_mediaaccount", "org_path"), ("reviews_journalentry", "scope_path"),
         ("websites_website", "org_path"), ("reports_checksheet", "org_path"), ("dashboard_accountrollup", "scope_path")}


def test_every_subtree_path_column_keeps_its_statistics_target():
    with connection.cursor() as cursor:
        cursor.execute("SELECT attrelid::regclass::text, attname, attstattarget FROM pg_attribute WHERE attstattarget > 0")
        targets = {(table, column): target for table, column, target in cursor.fetchall()}
    assert {path: targets.get(path) for path in PATHS} == {path: PATH_STATISTICS for path in PATHS}
