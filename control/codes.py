"""The challenge code: GOV-XXXX-XXXX, an HMAC (SECRET_KEY, salted) of the object, its link and a
nonce. Nothing secret is stored: the code is derived whenever it is shown or checked, and a new
link or a new nonce gives a new code (0058)."""
import re

from django.utils.crypto import get_random_string, salted_hmac

SALT = "govmedia.control.challenge"
# Crockford-style alphabet without look-alikes (0/O, 1/I/L): easy to type into a platform's 简介.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PATTERN = re.compile(r"GOV-[A-Z0-9]{4}-[A-Z0-9]{4}")


def new_nonce() -> str:
    return get_random_string(24)


def challenge(subject_type: str, subject_id: int, link: str, nonce: str) -> str:
    digest = salted_hmac(SALT, f"{subject_type}:{subject_id}:{link}:{nonce}", algorithm="sha256").digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(8):
        number, index = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    text = "".join(chars)
    return f"GOV-{text[:4]}-{text[4:]}"


def code_of(proof) -> str:
    return challenge(proof.subject_type, proof.subject_id, proof.link, proof.nonce)


def appears_in(code: str, text: str) -> bool:
    """The code, case-insensitively, as a whole token (a platform may upper- or lower-case a bio)."""
    return code.upper() in PATTERN.findall(text.upper())


__all__ = ["appears_in", "challenge", "code_of", "new_nonce"]
