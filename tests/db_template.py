"""One migrated template database per parallel run (a pytest plugin, registered by tests/conftest.py).

pytest-django gives each xdist worker its own test database (test_…_gwN) and, by default, each
worker runs every migration into it: the same ~6 s of CPU once per worker. On PostgreSQL the first
worker to get here migrates a template database once (under a file lock the others wait on), and
every worker's test database is then `CREATE DATABASE … TEMPLATE` of it: the same schema and
migration-made rows, copied by the server in a fraction of a second. The xdist controller drops the
template when the run ends. A serial run, SQLite, --reuse-db or --no-migrations keep pytest-django's
own setup.
"""
import fcntl
import os
import tempfile
import warnings

import pytest


def template_name(test_name: str, worker: str, run_id: str) -> str:
    """test_govmedia_gw0 → test_govmedia_tpl_<run>: one name per run, within PostgreSQL's 63 bytes."""
    base = test_name[: -len(f"_{worker}")] if test_name.endswith(f"_{worker}") else test_name
    return f"{base[:40]}_tpl_{run_id[:12]}"


def _exists(connection, name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_catalog.pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def ensure_template(connection, name: str, verbosity: int) -> None:
    """Create and migrate the template database `name` unless a worker already has."""
    from django.conf import settings

    lock_path = os.path.join(tempfile.gettempdir(), f"govmedia-{name}.lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here while the first migrates
        if _exists(connection, name):
            return
        settings_dict = connection.settings_dict
        test_settings = settings_dict["TEST"]
        saved = settings_dict["NAME"], test_settings.get("NAME")
        test_settings["NAME"] = name
        try:
            connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
        finally:
            connection.close()  # CREATE DATABASE … TEMPLATE needs no session on the template
            settings_dict["NAME"], test_settings["NAME"] = saved
            settings.DATABASES[connection.alias]["NAME"] = saved[0]


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_use_migrations,
                    django_db_keepdb, django_db_createdb, django_db_modify_db_settings):
    """pytest-django's django_db_setup, with each worker's database copied from the run's template."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    keepdb = django_db_keepdb and not django_db_createdb
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    workerinput = getattr(request.config, "workerinput", None)
    connection = connections["default"]
    if (workerinput and "default" in aliases and connection.vendor == "postgresql" and django_db_use_migrations
            and not keepdb):
        name = template_name(connection.settings_dict["TEST"]["NAME"], workerinput["workerid"],
                             workerinput["testrunuid"])
        with django_db_blocker.unblock():
            ensure_template(connection, name, request.config.option.verbose)
        connection.settings_dict["TEST"]["TEMPLATE"] = name

    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=request.config.option.verbose, interactive=False, aliases=aliases,
                                 serialized_aliases=serialized_aliases, keepdb=keepdb)
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            try:
                teardown_databases(db_cfg, verbosity=request.config.option.verbose)
            except Exception as exc:  # noqa: BLE001
                request.node.warn(pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}"))


_TEMPLATES: set[str] = set()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """The controller notes the run's template name (the workers' test database name, run id)."""
    from django.db import connections

    connection = connections["default"]
    if connection.vendor == "postgresql":
        worker = node.workerinput["workerid"]
        test_name = connection.settings_dict["TEST"].get("NAME") or f"test_{connection.settings_dict['NAME']}"
        _TEMPLATES.add(template_name(f"{test_name}_{worker}", worker, node.workerinput["testrunuid"]))


def pytest_sessionfinish(session):
    """The controller drops the run's template database (each worker drops its own database)."""
    if not _TEMPLATES:
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    connection = connections["default"]
    try:
        with session.config.stash[blocking_manager_key].unblock(), connection._nodb_cursor() as cursor:
            for name in _TEMPLATES:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception as exc:  # noqa: BLE001
        warnings.warn(f"could not drop the template database: {exc!r}", stacklevel=1)
    for name in _TEMPLATES:
        try:
            os.unlink(os.path.join(tempfile.gettempdir(), f"govmedia-{name}.lock"))
        except OSError:
            pass
