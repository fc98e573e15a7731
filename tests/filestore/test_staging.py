"""The checked import file is staged in the shared storage, under staging/, and leaves with 提交,
取消 or a failed write."""
from govmedia.common import storage as storage_module
from govmedia.filestore.models import StoredFile
from tests.accounts_media.test_import import bili, filled, upload


def test_a_checked_import_is_staged_and_removed_by_the_confirmation(client, chain, login):
    login(chain["shangzhuang"])
    assert upload(client, filled([bili(1), bili(2)])).status_code == 200
    staged = StoredFile.objects.get()
    assert staged.name.startswith("staging/media-import/") and client.session["media_import_file"] == staged.name
    # A second check replaces the first staged file.
    assert upload(client, filled([bili(3)])).status_code == 200
    assert StoredFile.objects.get().name != staged.name
    client.post("/media/import/confirm/", {"cancel": "1"})
    assert not StoredFile.objects.exists()


def test_a_full_storage_refuses_the_check_in_words(client, chain, login, settings):
    login(chain["shangzhuang"])
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.filestore.faulty.FaultyStorage"}}
    response = upload(client, filled([bili(1)]))
    assert response.status_code == 503 and storage_module.FULL in response.content.decode()
    assert "media_import_file" not in client.session and not StoredFile.objects.exists()
