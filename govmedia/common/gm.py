"""商用密码 (GM/T) primitives for govmedia, through `cryptography` (decision record 0052).

- SM3 (GB/T 32905) hashes, HMAC-SM3 for the app's own tokens (SMS code digests) and the journal chain;
- SM4-GCM (GB/T 32907, RFC 8998) for secrets and personal data at rest, under a key ring with
  key ids, so keys rotate (`manage.py rotate_keys`);
- PBKDF2-HMAC-SM3 for passwords (accounts.hashers).

A stored value is a token `sm4:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`; the key id is
also authenticated (AAD), so a token cannot be relabelled. The key ring comes from DATA_KEYS
(`id=hex,id=hex`, the first is current) or the file DATA_KEYS_FILE (one `id hex` a line, the last
is current, written by `manage.py rotate_keys --new-key`); key `k0`, derived from
INITIAL_PASSWORD_KEY, is always readable (the demo and installations that never rotated).

This module imports nothing of ours: every app may call it.
"""
import base64
import os
import re
import secrets
import time
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.db import models

PREFIX = "sm4:"
NONCE_BYTES = 12
TAG_BYTES = 16


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def derive_key(secret: str, purpose: str, length: int = 16) -> bytes:
    """A key for one purpose from a configured secret (HMAC-SM3 as the KDF)."""
    return hmac_sm3(secret.encode(), f"govmedia {purpose} v1".encode())[:length]


def lookup_digest(value: str, purpose: str) -> str:
    """HMAC-SM3 of `value` (hex) under a key derived from SECRET_KEY: stored beside an encrypted
    column that must still be looked up by equality (every SM4-GCM token differs)."""
    return hmac_sm3(derive_key(settings.SECRET_KEY, f"lookup {purpose}", 32), value.encode()).hex()


# --- SM4-GCM ---------------------------------------------------------------------------------------
def sm4_gcm_encrypt(key: bytes, nonce: bytes, plain: bytes, aad: bytes = b"") -> tuple[bytes, bytes]:
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if aad:
        encryptor.authenticate_additional_data(aad)
    return encryptor.update(plain) + encryptor.finalize(), encryptor.tag


def sm4_gcm_decrypt(key: bytes, nonce: bytes, ciphertext: bytes, tag: bytes, aad: bytes = b"") -> bytes:
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if aad:
        decryptor.authenticate_additional_data(aad)
    return decryptor.update(ciphertext) + decryptor.finalize()


class KeyMissing(Exception):
    """A token names a key id the ring does not hold, or the key does not open it."""


def _parse_ring(spec: str, file: str, fallback_secret: str) -> tuple[str, dict[str, bytes]]:
    ring: dict[str, bytes] = {}
    current = ""
    lines = []
    if file and Path(file).exists():
        lines = [line.split() for line in Path(file).read_text().splitlines() if line.strip()]
    for kid, hexkey in lines:
        ring[kid] = bytes.fromhex(hexkey)
        current = kid  # the last line is current
    for i, item in enumerate(part.strip() for part in spec.split(",") if part.strip()):
        kid, _, hexkey = item.partition("=")
        ring[kid.strip()] = bytes.fromhex(hexkey.strip())
        if i == 0:
            current = kid.strip()  # DATA_KEYS: the first is current
    for kid, key in ring.items():
        if len(key) != 16 or ":" in kid or not kid:
            raise ValueError(f"data key {kid!r}: SM4 keys are 16 bytes (32 hex digits), ids without ':'")
    ring.setdefault("k0", derive_key(fallback_secret, "data key k0"))
    return current or "k0", ring


@lru_cache(maxsize=8)
def _ring_cached(spec: str, file: str, mtime: float, fallback: str) -> tuple[str, dict[str, bytes]]:
    return _parse_ring(spec, file, fallback)


def key_ring() -> tuple[str, dict[str, bytes]]:
    """(current key id, {key id: key})."""
    file = str(getattr(settings, "DATA_KEYS_FILE", "") or "")
    mtime = os.path.getmtime(file) if file and os.path.exists(file) else 0.0
    return _ring_cached(getattr(settings, "DATA_KEYS", ""), file, mtime, settings.INITIAL_PASSWORD_KEY)


def current_key_id() -> str:
    return key_ring()[0]


def key_fingerprints() -> dict[str, str]:
    """{key id: a short non-reversible fingerprint} of the ring (for the backup manifest)."""
    return {kid: hmac_sm3(key, b"govmedia key fingerprint v1").hex()[:16] for kid, key in key_ring()[1].items()}


def encrypt(plain: str) -> str:
    kid, ring = key_ring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext, tag = sm4_gcm_encrypt(ring[kid], nonce, plain.encode(), kid.encode())
    return f"{PREFIX}{kid}:{base64.urlsafe_b64encode(nonce + ciphertext + tag).decode()}"


def is_token(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(token: str) -> str:
    return token[len(PREFIX):].partition(":")[0]


_read_ring: tuple[float, dict[str, bytes]] = (0.0, {})
READ_RING_SECONDS = 1.0


def _reading_ring(fresh: bool = False) -> dict[str, bytes]:
    """The key ring for reading. A list page decrypts hundreds of values and key_ring() looks at the
    key file each time (~3 µs): this copy is looked at again after READ_RING_SECONDS, when a
    setting naming the keys changes (forget_reading_ring), or when `fresh` (decrypt asks for it
    when its copy lacks the token's key id or its key does not open the token: a key added by
    rotate_keys in another process)."""
    global _read_ring
    checked, ring = _read_ring
    now = time.monotonic()
    if fresh or now - checked > READ_RING_SECONDS:
        ring = key_ring()[1]
        _read_ring = (now, ring)
    return ring


KEY_SETTINGS = frozenset({"DATA_KEYS", "DATA_KEYS_FILE", "INITIAL_PASSWORD_KEY"})


@receiver(setting_changed)
def forget_reading_ring(*, setting, **kwargs):
    """The keys are named anew (a test, override_settings): the next read looks at the ring again."""
    global _read_ring
    if setting in KEY_SETTINGS:
        _read_ring = (0.0, {})


OPENED_KEPT = 50_000  # tokens whose plain text a process keeps (~8 MB): a list page opens 100–300


@lru_cache(maxsize=OPENED_KEPT)
def _opened(body: str, kid: str, key: bytes) -> str:
    """The plain text of a token's body under `key` (InvalidTag if it does not open it: not kept).
    A token is written once and never changes, so its plain text under a given key never does
    either: the values a list shows again and again are decrypted once per process (~10 µs each),
    kept with the key that opened them (a key replaced under the same id opens nothing kept)."""
    raw = base64.urlsafe_b64decode(body.encode())
    return sm4_gcm_decrypt(key, raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:], kid.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text of a token; KeyMissing when its key is not in the ring or does not open it."""
    kid, _, body = token[len(PREFIX):].partition(":")
    key = _reading_ring().get(kid)
    if key is not None:
        try:
            return _opened(body, kid, key)
        except InvalidTag:
            pass
    fresh_key = _reading_ring(fresh=True).get(kid)
    if fresh_key is None:
        raise KeyMissing(f"data key {kid!r} is not in the key ring")
    if fresh_key == key:
        raise KeyMissing(f"data key {kid!r} does not open this value")
    try:
        return _opened(body, kid, fresh_key)
    except InvalidTag as exc:
        raise KeyMissing(f"data key {kid!r} does not open this value") from exc


# --- model fields: personal data encrypted at rest -------------------------------------------------
# Every column holding tokens: (model label, field name) → how a value written before SM4 reads
# ("plain": as it is; a dotted path: a function token → plain text or None). rotate_keys and the
# backup manifest walk it.
ENCRYPTED_COLUMNS: dict[tuple[str, str], str] = {}


def register_column(model_label: str, field_name: str, legacy: str = "plain") -> None:
    ENCRYPTED_COLUMNS[(model_label, field_name)] = legacy


def read_token(value):
    """A stored value as the app reads it: a token decrypted (a note where its key is missing), else as is."""
    if is_token(value):
        try:
            return decrypt(value)
        except KeyMissing:
            return "（无法解密：密钥缺失）"
    return value


class EncryptedMixin:
    """A text field stored as an SM4-GCM token. Reading decrypts (a value stored before encryption
    began reads as it is; `rotate_keys` encrypts it); writing encrypts a non-empty value; "" stays
    "" (so `exclude(field="")` works). Exact lookups cannot match (every token is different)."""

    encrypted = True

    def db_type(self, connection):
        return "text"

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            register_column(cls._meta.label_lower, name)

    def from_db_value(self, value, expression, connection):
        return read_token(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value or is_token(value):
            return value
        return encrypt(value)


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass



# --- contacts inside JSON: the phone and e-mail values of a JSON column, encrypted in place ---------
# A key naming a contact (contact_mobile, reviewer_phone, head_email, phone, contact, …) has its string value
# stored as a token; so have "old" and "new" of a change row {"field": <contact key>, "old", "new"}
# (the journal's `changes`). The rest of the JSON stays as it is (queries and the admin read it).
# The same rule is in SQL in the journal's trigger (reviews migration 0006): keep them in step.
CONTACT_KEY = re.compile(r"(^|_)(mobile|phone|email|landline|contact)$")
ENCRYPTED_JSON_COLUMNS: set[tuple[str, str]] = set()


def map_contacts(value, fn):
    """`value` with fn applied to every non-empty contact string in it (a new structure)."""
    if isinstance(value, dict):
        row = isinstance(value.get("field"), str) and CONTACT_KEY.search(value["field"])
        return {k: fn(v) if isinstance(v, str) and v and (CONTACT_KEY.search(str(k)) or (row and k in ("old", "new")))
                else map_contacts(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [map_contacts(v, fn) for v in value]
    return value


def contacts_in(value) -> list[str]:
    """The contact strings of a JSON value as they are (tokens or plain)."""
    found: list[str] = []
    map_contacts(value, lambda v: found.append(v) or v)
    return found


def encrypt_contacts(value):
    return map_contacts(value, lambda v: v if is_token(v) else encrypt(v))


def decrypt_contacts(value):
    return map_contacts(value, read_token)


class EncryptedContactsJSONField(models.JSONField):
    """A JSON column whose contact values (CONTACT_KEY) are SM4-GCM tokens at rest; reading gives
    them back in clear, a value stored before reads as it is (`rotate_keys` and the data
    migrations encrypt it)."""

    encrypted_contacts = True

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            ENCRYPTED_JSON_COLUMNS.add((cls._meta.label_lower, name))

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        if is_token(value):  # a key transform selecting one contact (values("data__reviewer_phone"))
            return read_token(value)
        return decrypt_contacts(value)

    def get_prep_value(self, value):
        return super().get_prep_value(encrypt_contacts(value))


__all__ = ["CONTACT_KEY", "EncryptedCharField", "EncryptedContactsJSONField", "EncryptedEmailField", "KeyMissing",
           "contacts_in", "current_key_id", "decrypt", "decrypt_contacts", "derive_key", "encrypt", "encrypt_contacts",
           "hmac_sm3", "is_token", "key_fingerprints", "key_id_of", "key_ring", "lookup_digest", "map_contacts", "sm3",
           "sm4_gcm_decrypt", "sm4_gcm_encrypt"]
