"""Encryption of the initial passwords that supervising org units may read (密码保护机制)."""
import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(("govmedia-initial-password:" + settings.INITIAL_PASSWORD_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str | None:
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None


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


__all__ = ["encrypt", "decrypt", "generate_password"]
