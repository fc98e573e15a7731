"""Model instances loaded from the database without `Model.__init__` (decision 0067).

A list page reads 100–200 instances (an account and its filer unit per row). Django builds each
one through `Model.__init__`: one `setattr` per field through its descriptor, the deferred-field
check, the signals. For a row read from the database all of that reduces to filling the
instance's `__dict__` with the loaded columns, which is what `Model.from_db` ends up with anyway:
a deferred field is one left out of `__dict__` (its `DeferredAttribute` loads it on first read),
a foreign key's id is stored under its `attname`.

`FastLoad` does exactly that, for a model whose every column is read through Django's own
`DeferredAttribute` or `ForeignKeyDeferredAttribute` (checked once per model: a field with its own
descriptor, e.g. a file field, makes the model load the ordinary way). `pre_init` and `post_init`
are still sent, so a receiver sees every instance; none of ours listens (a send with no receiver
returns at once, while one receiver anywhere made every send look up its sender: ~0.4 ms of a
list page of 100 accounts). What a receiver would remember of the loaded row instead stays on
the instance's state: `loaded_value` reads a column as it was loaded (control's link tracking).
`tests/test_fastload.py` compares instances loaded both ways.
"""
from django.db.models.base import ModelState
from django.db.models.query_utils import DeferredAttribute
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)
_PLAIN: dict[type, bool] = {}


def loads_plainly(model) -> bool:
    """Every concrete field of `model` is a plain column attribute (no descriptor of its own)."""
    plain = _PLAIN.get(model)
    if plain is None:
        plain = _PLAIN[model] = all(type(getattr(model, f.attname, None)) in _PLAIN_DESCRIPTORS
                                    for f in model._meta.concrete_fields)
    return plain


class FastLoad:
    """Mixin for a model read in bulk: `from_db` fills the instance's `__dict__` directly."""

    @classmethod
    def from_db(cls, db, field_names, values):
        if not loads_plainly(cls):
            return super().from_db(db, field_names, values)
        if pre_init.receivers:  # (a send to no receiver at all, skipped: 200 a list page)
            pre_init.send(sender=cls, args=values, kwargs={})
        new = cls.__new__(cls)
        data = new.__dict__
        data.update(zip(field_names, values))
        state = data["_state"] = ModelState()
        state.adding = False
        state.db = db
        state.loaded_row = (field_names, values)
        if post_init.receivers:
            post_init.send(sender=cls, instance=new)
        return new


def loaded_value(instance, attname: str, missing=None):
    """The column `attname` of `instance` as it was read from the database, or `missing` (an
    instance built in Python or the ordinary way, or the column deferred)."""
    row = getattr(instance._state, "loaded_row", None)
    if row is None:
        return missing
    names, values = row
    try:
        return values[names.index(attname)]
    except ValueError:
        return missing
