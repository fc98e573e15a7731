"""Instances loaded without Model.__init__ (govmedia.common.fastload, decision 0067) are the
instances Django builds: the same column values, deferred fields still deferred (and loaded on
first read), foreign keys and select_related joins, the saved state, post_init receivers, and the
row as loaded (`loaded_value`)."""
import gc

import pytest
from django.db import connection, models
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext, isolate_apps

from accounts_media.models import MediaAccount
from govmedia.common import fastload
from govmedia.common.fastload import FastLoad, loaded_value as fast_value, loads_plainly
from notifications.models import Notification
from orgtree.models import FilerUnit, OrgUnit
from reports.models import CheckSheet
from reviews.models import JournalEntry
from tests.accounts_media.conftest import normal_account, submit
from websites.models import Website

FAST_MODELS = (MediaAccount, FilerUnit, OrgUnit, Website, CheckSheet, Notification, JournalEntry)


def _ordinarily(model, load):
    """`load()` with `model` built by Django's own Model.from_db (FastLoad's fallback)."""
    fastload._PLAIN[model] = False
    try:
        return load()
    finally:
        fastload._PLAIN.pop(model)


def _columns(instance) -> dict:
    return {f.attname: instance.__dict__[f.attname] for f in type(instance)._meta.concrete_fields
            if f.attname in instance.__dict__}


@pytest.mark.parametrize("model", FAST_MODELS, ids=lambda m: m.__name__)
def test_the_models_read_in_bulk_load_fast(model):
    assert issubclass(model, FastLoad) and loads_plainly(model)


@pytest.mark.django_db
def test_an_account_with_its_filer_unit_is_the_ordinary_instance(chain):
    account = normal_account(chain, contact_mobile="13812345678", contact_name="张三")

    def load():
        return MediaAccount.objects.select_related("filer_unit__org_unit").get(pk=account.pk)

    fast = load()
    ordinary = _ordinarily(MediaAccount, lambda: _ordinarily(FilerUnit, lambda: _ordinarily(OrgUnit, load)))
    assert "_control_link" not in _columns(fast)
    assert _columns(fast) == _columns(ordinary) and fast.__dict__.keys() == ordinary.__dict__.keys()
    assert _columns(fast.filer_unit) == _columns(ordinary.filer_unit)
    assert _columns(fast.filer_unit.org_unit) == _columns(ordinary.filer_unit.org_unit)
    assert fast.contact_mobile == "13812345678" and fast.contact_name == "张三"
    assert not fast._state.adding and fast._state.db == "default"
    with CaptureQueriesContext(connection) as ctx:
        assert fast.filer_unit.name == account.filer_unit.name  # joined: no query
        assert fast.filer_unit._state.db == "default" and not fast.filer_unit._state.adding
    assert not ctx.captured_queries
    assert fast.status_label == account.status_label and fast.type_display == account.type_display
    assert fast == account and hash(fast) == hash(account)


@pytest.mark.django_db
def test_deferred_fields_stay_deferred_and_load_on_first_read(chain):
    account = submit(chain["shangzhuang"], name="上庄发布")
    fast = MediaAccount.objects.defer("request_data", "name").get(pk=account.pk)
    assert fast.get_deferred_fields() == {"request_data", "name"}
    with CaptureQueriesContext(connection) as ctx:
        assert fast.name == "上庄发布"
    assert len(ctx.captured_queries) == 1 and fast.get_deferred_fields() == {"request_data"}
    only = MediaAccount.objects.only("id", "status").get(pk=account.pk)
    assert set(only.__dict__) >= {"id", "status", "_state"} and "name" not in only.__dict__


@pytest.mark.django_db
def test_a_loaded_instance_saves_and_refreshes_as_usual(chain):
    account = normal_account(chain)
    fast = MediaAccount.objects.get(pk=account.pk)
    fast.contact_name = "李四"
    fast.save(update_fields=["contact_name"])
    fast.refresh_from_db()
    assert fast.contact_name == "李四" and MediaAccount.objects.get(pk=account.pk).contact_name == "李四"
    # The foreign key's id set on a loaded instance drops the cached unit, as Django's descriptor does.
    loaded = MediaAccount.objects.select_related("filer_unit").get(pk=account.pk)
    other = FilerUnit.objects.exclude(pk=loaded.filer_unit_id).first()
    loaded.filer_unit_id = other.pk
    assert loaded.filer_unit == other


@pytest.mark.django_db
def test_post_init_receivers_see_every_loaded_instance(chain):
    account = normal_account(chain)
    seen = []

    def remember(sender, instance, **kwargs):
        seen.append((sender, instance.pk, instance.__dict__.get("url")))

    post_init.connect(remember, sender=MediaAccount)
    try:
        MediaAccount.objects.select_related("filer_unit").get(pk=account.pk)
    finally:
        post_init.disconnect(remember, sender=MediaAccount)
    assert seen == [(MediaAccount, account.pk, account.url)]
    assert not post_init.receivers  # none of ours listens: a send returns at once


@pytest.mark.django_db
def test_the_row_as_loaded_is_kept_for_the_columns_read(chain):
    """control's link tracking (control/signals.py) reads the link as loaded: a change of link
    on save issues a new proof only when the link really changed."""
    account = normal_account(chain)
    fast = MediaAccount.objects.get(pk=account.pk)
    fast.url = "https://example.gov.cn/changed"
    assert fast_value(fast, "url") == account.url and fast_value(fast, "status") == account.status
    deferred = MediaAccount.objects.defer("url").get(pk=account.pk)
    assert fast_value(deferred, "url", "missing") == "missing"
    assert fast_value(MediaAccount(pk=account.pk, url="x"), "url", "missing") == "missing"
    assert fast_value(_ordinarily(MediaAccount, lambda: MediaAccount.objects.get(pk=account.pk)), "url") is None


@isolate_apps("reports")
def test_a_model_with_its_own_field_descriptor_loads_the_ordinary_way():
    class Attachment(FastLoad, models.Model):
        file = models.FileField(upload_to="x")

        class Meta:
            app_label = "reports"

    assert not loads_plainly(Attachment)
    loaded = Attachment.from_db("default", ["id", "file"], [3, "x/a.txt"])
    assert loaded.file.name == "x/a.txt" and loaded.pk == 3 and not loaded._state.adding


def test_the_warm_up_freezes_what_the_process_loaded():
    from govmedia.ops.warmup import warm_up

    try:
        warm_up()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
