"""The database emptied after each transactional test by DELETE, not TRUNCATE (a pytest plugin,
registered by tests/conftest.py).

Django's `flush` (run after every test that commits: the browser, server and job tests) truncates
all ~60 tables, and PostgreSQL gives each truncated table, index and TOAST table a new file: about
0.4 s per test on a server that syncs its files, 0.01-0.03 s as DELETE of the few rows a test
writes. The foreign keys Django makes on PostgreSQL are DEFERRABLE INITIALLY DEFERRED, so the
tables may be emptied in any order within flush's transaction. The journal refuses DELETE
(decision 0053) except in a superuser's maintenance session, so the DELETE is used only where the
test database's role is a superuser (the suite's own clusters); elsewhere, and whenever sequences
are to be reset, Django's TRUNCATE stays.
"""
from django.db.backends.postgresql.operations import DatabaseOperations

_truncate_flush = DatabaseOperations.sql_flush
_superuser: dict[str, bool] = {}


def _is_superuser(connection) -> bool:
    alias = connection.alias
    if alias not in _superuser:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        _superuser[alias] = bool(row and row[0])
    return _superuser[alias]


def delete_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or not tables or not _is_superuser(self.connection):
        return _truncate_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    quote = self.quote_name
    return ["SET LOCAL govmedia.journal_maintenance = 'on'", "SET CONSTRAINTS ALL DEFERRED",
            *(f"DELETE FROM {quote(table)}" for table in tables)]


def pytest_configure(config):
    DatabaseOperations.sql_flush = delete_flush
