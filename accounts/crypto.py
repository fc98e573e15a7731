"""Encryption of the initial passwords that supervising org units may read (密码保护机制) and of
the websites' 校验码: SM4-GCM under the key ring of govmedia.common.gm (decision record 0052).
Tokens written before (Fernet, from INITIAL_PASSWORD_KEY) are still read; `rotate_keys` re-encrypts them."""
import base64
import hashlib
import logging
import secrets
from typing import NamedTuple

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from govmedia.common import gm

logger = logging.getLogger(__name__)


def _fernet() -> Fernet:
    digest = hashlib.sha256(("govmedia-initial-password:" + settings.INITIAL_PASSWORD_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(plain: str) -> str:
    return gm.encrypt(plain)


def decrypt(token: str) -> str | None:
    """The plain text, or None when there is none or the current key cannot read it (see reveal)."""
    return reveal(token).plain


class Revealed(NamedTuple):
    plain: str | None
    key_changed: bool  # a token is stored but INITIAL_PASSWORD_KEY cannot decrypt it (restore, rotation)


def reveal(token: str) -> Revealed:
    """Decrypt a stored secret, telling "nothing stored" apart from "stored, but the key changed".
    The caller keeps the token (never wipes it) and shows key_changed_message()."""
    if not token:
        return Revealed(None, False)
    if gm.is_token(token):
        try:
            return Revealed(gm.decrypt(token), False)
        except gm.KeyMissing:
            logger.warning("a stored secret names a data key the key ring cannot open (key changed?)")
            return Revealed(None, True)
    try:  # written before SM4 (Fernet)
        return Revealed(_fernet().decrypt(token.encode()).decode(), False)
    except InvalidToken:
        logger.warning("a stored secret cannot be decrypted with the current INITIAL_PASSWORD_KEY (key changed?)")
        return Revealed(None, True)


def plain_of_legacy(token: str) -> str | None:
    """The plain text of any stored secret (SM4 or Fernet), for rotate_keys; None if unreadable."""
    return reveal(token).plain


def key_changed_message(what: str = "初始密码", remedy: str = "请重置密码") -> str:
    """E.g. “初始密码无法解密（密钥已变更），请重置密码”."""
    return f"{what}无法解密（密钥已变更），{remedy}"


SYMBOLS = "@#%*!?"
# No look-alike characters (0/O, 1/l/I): the password is read out and typed by hand.
LETTERS_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
LETTERS_LOWER = "abcdefghijkmnpqrstuvwxyz"
DIGITS = "23456789"


def generate_password(length: int = 10) -> str:
    """A random password that passes the strength rules (all four character classes)."""
    pools = [LETTERS_UPPER, LETTERS_LOWER, DIGITS, SYMBOLS]
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


__all__ = ["encrypt", "decrypt", "reveal", "Revealed", "key_changed_message", "generate_password"]
