"""Data keys: rotation of the SM4 key ring (decision record 0052).

`rotate(batch)` re-encrypts, column by column (govmedia.common.gm.ENCRYPTED_COLUMNS), every stored
value not under the current key id — values written before SM4 (plain personal data, Fernet
secrets) included — in batches of `batch` rows ordered by id, each batch its own transaction.
It only ever looks for values *not yet* under the current key, so an interrupted run resumes
where it stopped by running it again. The old key stays in the ring until `pending()` is empty.

JSON columns with contacts inside (gm.ENCRYPTED_JSON_COLUMNS) are found by a regular expression
on their text (a contact key with a value not under the current key, or a token of another key),
then each row's contacts are re-encrypted in Python. Each batch sets `govmedia.rekey`: the
journal's trigger then lets an UPDATE through that changes only the stored form of its contacts
(reviews migration 0006); the journal's chain covers the plain text, so it still verifies.
"""
import json
import re
import secrets
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.utils.module_loading import import_string

from govmedia.common import gm


def _raw(model, field: str):
    """The column as stored (the token), without the field's decryption."""
    return model.objects.annotate(_raw=Cast(F(field), TextField()))


def _stale(model, field: str, current: str):
    return _raw(model, field).exclude(Q(_raw="") | Q(_raw__isnull=True) | Q(_raw__startswith=f"{gm.PREFIX}{current}:"))


def _plain(raw: str, legacy: str) -> str | None:
    if gm.is_token(raw):
        return gm.decrypt(raw)
    if legacy == "plain":
        return raw
    return import_string(legacy)(raw)


# A contact key (gm.CONTACT_KEY) or a change row's old/new of a contact field, in JSON's text form.
_KEY = r'"([^"]*_)?(mobile|phone|email|landline|contact)"'


def _json_stale_regex(current: str) -> str:
    not_current = rf'"(?!{gm.PREFIX}{current}:)[^"]'
    return (rf'{_KEY}:\s*{not_current}|"{gm.PREFIX}(?!{current}:)'
            rf'|"field":\s*{_KEY}.*"(new|old)":\s*{not_current}|"(new|old)":\s*{not_current}.*"field":\s*{_KEY}')


def _json_stale(model, field: str, current: str):
    return _raw(model, field).filter(_raw__regex=_json_stale_regex(current))


def _json_needs_rekey(stored, current: str) -> bool:
    return any(not v.startswith(f"{gm.PREFIX}{current}:") for v in gm.contacts_in(stored))


def _allow_rekey() -> None:
    """Inside a batch's transaction: the journal's trigger admits re-encryption of contacts only."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL govmedia.rekey = 'on'")


def pending() -> dict[str, int]:
    """{"model.field": values not under the current key} (zeros left out)."""
    current = gm.current_key_id()
    counts = {}
    for (label, field), _legacy in gm.ENCRYPTED_COLUMNS.items():
        n = _stale(apps.get_model(label), field, current).count()
        if n:
            counts[f"{label}.{field}"] = n
    for label, field in sorted(gm.ENCRYPTED_JSON_COLUMNS):
        rows = _json_stale(apps.get_model(label), field, current).values_list("_raw", flat=True)
        n = sum(_json_needs_rekey(json.loads(raw), current) for raw in rows.iterator(chunk_size=2000))
        if n:
            counts[f"{label}.{field}"] = n
    return counts


def key_ids_in_use() -> list[str]:
    """The key ids the stored tokens name (the backup manifest lists them); "?" when a token names
    a key the ring does not know."""
    known = list(gm.key_ring()[1])
    used = set()
    for label, field in gm.ENCRYPTED_COLUMNS:
        tokens = _raw(apps.get_model(label), field).filter(_raw__startswith=gm.PREFIX)
        used |= {kid for kid in known if kid not in used and tokens.filter(_raw__startswith=f"{gm.PREFIX}{kid}:").exists()}
        others = tokens
        for kid in known:
            others = others.exclude(_raw__startswith=f"{gm.PREFIX}{kid}:")
        if others.exists():
            used.add("?")
    for label, field in gm.ENCRYPTED_JSON_COLUMNS:
        tokens = _raw(apps.get_model(label), field).filter(_raw__contains=f'"{gm.PREFIX}')
        used |= {kid for kid in known if kid not in used and tokens.filter(_raw__contains=f'"{gm.PREFIX}{kid}:').exists()}
        unknown = "|".join(re.escape(kid) for kid in known)
        if tokens.filter(_raw__regex=f'"{gm.PREFIX}(?!({unknown}):)').exists():
            used.add("?")
    return sorted(used)


def rotate(batch: int = 500, log=lambda line: None) -> int:
    """Re-encrypt every stale value under the current key; the number of values rewritten."""
    total = 0
    for (label, field), legacy in gm.ENCRYPTED_COLUMNS.items():
        total += encrypt_column(apps.get_model(label), field, batch, legacy, log)
    for label, field in sorted(gm.ENCRYPTED_JSON_COLUMNS):
        total += encrypt_json_column(apps.get_model(label), field, batch, log)
    return total


def encrypt_column(model, field: str, batch: int = 500, legacy: str = "plain", log=lambda line: None) -> int:
    """Re-encrypt one column's stale values (plain ones included) under the current key, in batches;
    also what the data migrations of newly encrypted columns run (with their historical model)."""
    def fresh(raw):
        plain = _plain(raw, legacy)  # an unreadable legacy secret (None) is left for its owner to reset
        return None if plain is None else gm.encrypt(plain)

    return _rekey_in_batches(model, field, _stale(model, field, gm.current_key_id()), fresh, batch, log)


def _rekey_in_batches(model, field: str, stale, fresh, batch: int, log) -> int:
    """Rewrite the `stale` rows' `field` with `fresh(raw)` (None: left as is), a batch per
    transaction, resumable (by pk); the rows rewritten."""
    total = last = 0
    label = model._meta.label_lower
    while True:
        with transaction.atomic():
            rows = list(stale.filter(pk__gt=last).order_by("pk")
                        .select_for_update(of=("self",)).values_list("pk", "_raw")[:batch])
            if not rows:
                break
            _allow_rekey()
            for pk, raw in rows:
                value = fresh(raw)
                if value is not None:
                    model.objects.filter(pk=pk).update(**{field: value})
                    total += 1
            last = rows[-1][0]
        log(f"{label}.{field}: 已处理至 id {last}")
    return total


def new_key_line() -> tuple[str, str]:
    """A fresh (key id, hex key) whose id follows the ring's."""
    ids = [kid for kid in gm.key_ring()[1] if kid[1:].isdigit()]
    number = max((int(kid[1:]) for kid in ids), default=0) + 1
    return f"k{number}", secrets.token_hex(16)


def append_key(path: Path) -> str:
    """Add a new key to DATA_KEYS_FILE (it becomes current); its id."""
    kid, hexkey = new_key_line()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as out:
        out.write(f"{kid} {hexkey}\n")
    path.chmod(0o600)
    return kid


def encrypt_json_column(model, field: str, batch: int = 500, log=lambda line: None) -> int:
    """Re-encrypt the contacts inside one JSON column (plain ones included) under the current key,
    in batches; the rows rewritten. Also what the data migrations run (with historical models)."""
    current = gm.current_key_id()

    def fresh(raw):
        stored = json.loads(raw)
        if not _json_needs_rekey(stored, current):
            return None
        return gm.map_contacts(stored, lambda v: gm.encrypt(gm.decrypt(v) if gm.is_token(v) else v))

    return _rekey_in_batches(model, field, _json_stale(model, field, current), fresh, batch, log)
