"""The checked import file is staged in the shared storage, under staging/, and leaves with 提交,
取消 or a failed write."""
from govmedia.common import storage as storage_module
from govmedia.filestore.models import StoredFile
from tests.accounts_media.test_import import bili, filled
from tests.imports.flow import confirm, upload


def test_a_checked_import_is_staged_and_removed_by_the_confirmation(client, chain, login):
    login(chain["shangzhuang"])
    checked = upload(client, filled([bili(1), bili(2)]))
    assert checked.status_code == 200
    staged = StoredFile.objects.get()
    assert staged.name.startswith("staging/media-import/") and checked.context["job"].params["staged"] == staged.name
    assert confirm(client, checked, "cancel").status_code == 302
    assert not StoredFile.objects.exists()
    # A refused file is not kept either.
    rows = [bili(3), bili(4)]
    rows[1][2] = "推特"
    refused = upload(client, filled(rows))
    assert refused.status_code == 400
    assert [f.name.split("/")[1] for f in StoredFile.objects.all()] == ["media-import-errors"]  # the error details


def test_a_full_storage_refuses_the_check_in_words(client, chain, login, settings):
    login(chain["shangzhuang"])
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.filestore.faulty.FaultyStorage"}}
    response = upload(client, filled([bili(1)]))
    assert response.status_code == 503 and storage_module.FULL in response.content.decode()
    assert not StoredFile.objects.exists()
