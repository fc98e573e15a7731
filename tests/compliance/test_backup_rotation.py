"""A backup taken under one data key, the keys rotated, the backup restored: the data reads back
(the manifest names the key ids; a restore without them is refused). Decision 0052."""
import json
from io import StringIO

import pytest
from django.core.management import call_command

from govmedia.filestore.backup import read_manifest
from orgtree.models import FilerUnit
from tests.conftest import requires_postgres
from tests.factories import make_filer
from tests.filestore.test_backup import empty_database, manage  # noqa: F401  (the fixture)

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]
K1, K2 = "k1=" + "a1" * 16, "k2=" + "b2" * 16

READ_BACK = ("import django, json; django.setup(); from orgtree.models import FilerUnit; "
             "print(json.dumps(sorted(FilerUnit.objects.values_list('code', 'contact_mobile'))))")


def test_a_backup_restored_after_rotation_reads_back(tree, settings, tmp_path, empty_database):  # noqa: F811
    settings.DATA_KEYS = K1
    make_filer(tree["110108"], "海淀区上庄镇政府", contact_mobile="13912345678")
    archive = tmp_path / "before-rotation.tar"
    call_command("backup", output=str(archive), stdout=StringIO())
    manifest = read_manifest(archive)
    assert manifest["data_keys"]["in_use"] == ["k1"] and manifest["data_keys"]["current"] == "k1"
    assert "a1" * 16 not in archive.read_bytes().decode("latin-1")  # a fingerprint, never the key

    settings.DATA_KEYS = f"{K2},{K1}"
    call_command("rotate_keys", stdout=StringIO())
    assert FilerUnit.objects.get().contact_mobile == "13912345678"

    # The ring after rotation still holds k1: the old backup restores and reads.
    url, _connect = empty_database("rotated")
    restored = manage(url, "manage.py", "restore", str(archive), DATA_KEYS=f"{K2},{K1}")
    assert restored.returncode == 0, restored.stderr
    read = manage(url, "-c", READ_BACK, DATA_KEYS=f"{K2},{K1}")
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout.strip().splitlines()[-1]) == [["110108M001", "13912345678"]]
    # …and rotating the restored copy brings it onto k2 too.
    assert manage(url, "manage.py", "rotate_keys", DATA_KEYS=f"{K2},{K1}").returncode == 0
    assert manage(url, "-c", READ_BACK, DATA_KEYS=K2).stdout.strip().endswith('[["110108M001", "13912345678"]]')

    # Once k1 has left the ring, restoring the old backup is refused and names the key id.
    url, _connect = empty_database("nokey")
    refused = manage(url, "manage.py", "restore", str(archive), DATA_KEYS=K2)
    assert refused.returncode != 0 and "k1" in refused.stderr and "不在当前密钥环中" in refused.stderr
