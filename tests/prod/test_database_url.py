"""Issue 32: DATABASE_URL in libpq's multi-host form (a primary and its standby) becomes HOST and
PORT lists with target_session_attrs, so each new connection goes to the host that accepts writes."""
import json

from tests.servers import settings_read

CODE = "from django.conf import settings; import json; print(json.dumps(settings.DATABASES['default']))"


def test_a_multi_host_url_names_both_hosts_and_asks_for_the_writable_one():
    url = "postgres://govmedia:pa%3Ass@db1.example:5432,db2.example:5433/govmedia?target_session_attrs=read-write"
    db = json.loads(settings_read({"DATABASE_URL": url, "DEBUG": "1"}, CODE)[0])
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"], db["PASSWORD"]) == (
        "db1.example,db2.example", "5432,5433", "govmedia", "govmedia", "pa:ss")
    assert db["OPTIONS"] == {"target_session_attrs": "read-write"}
    assert db["CONN_HEALTH_CHECKS"] is True


def test_a_single_host_url_is_as_before():
    db = json.loads(settings_read({"DATABASE_URL": "postgres://u@db:5432/govmedia", "DEBUG": "1"}, CODE)[0])
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db", 5432, "govmedia")
