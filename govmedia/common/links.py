"""Addresses of pages, reversed once per process and script prefix instead of once per use.

Every page's layout links a few fixed pages (`fixed_url`), and a list page writes several links
per row to pages of that row (`row_url`): reverse() costs ~20–40 µs each, hundreds of times a
page. The URLconf does not change while the process runs; the script prefix (the deployment's
mount point) is part of the key."""
from django.urls import get_script_prefix, reverse

_FIXED: dict[tuple[str, str], str] = {}
_ROW: dict[tuple[str, str], tuple[str, str]] = {}
_STAND_IN = 987654321  # a pk no row has: where the row's pk goes in the reversed address


def fixed_url(name: str) -> str:
    """reverse(name) of a page without arguments."""
    key = (get_script_prefix(), name)
    url = _FIXED.get(key)
    if url is None:
        url = _FIXED[key] = reverse(name)
    return url


def row_url_parts(name: str) -> tuple[str, str]:
    """reverse(name, args=[pk]) cut where the pk goes: (before, after)."""
    key = (get_script_prefix(), name)
    parts = _ROW.get(key)
    if parts is None:
        head, tail = reverse(name, args=[_STAND_IN]).split(str(_STAND_IN))
        parts = _ROW[key] = (head, tail)
    return parts


def row_url(name: str, pk: int) -> str:
    """reverse(name, args=[pk])."""
    head, tail = row_url_parts(name)
    return f"{head}{pk}{tail}"
