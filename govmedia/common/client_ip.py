"""The client's address, the same for login throttling (django-axes), the rate limits, the 验证码
threshold and the journal.

`PROXY_COUNT` is the number of trusted reverse proxies in front of the app servers, each of which
appends the address it received from to X-Forwarded-For. 0 (direct exposure): REMOTE_ADDR, and
any X-Forwarded-For is ignored, since a client may forge it. N > 0: the N-th address from the
right of X-Forwarded-For — the one the outermost trusted proxy saw; addresses further left were
written by the client and are never trusted. A header shorter than N, or a value that is not an
address, falls back to REMOTE_ADDR. (The semantics of Werkzeug's ProxyFix x_for=N.)

django-ipware, which axes would otherwise use, is not installed: with a count of 0 it trusts the
left-most forwarded value, i.e. a forged header.
"""
import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def proxy_count() -> int:
    return int(getattr(settings, "PROXY_COUNT", 0) or 0)


def client_ip(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    count = proxy_count()
    if count <= 0:
        return remote
    forwarded = [v for v in (request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if v.strip()]
    if len(forwarded) < count:
        return remote
    return _valid(forwarded[-count]) or remote


def ops_address_allowed(request) -> bool:
    """Whether the client may see the ops admin at all (OPS_ADMIN_ALLOWED_NETWORKS; empty: everyone).
    Every admin URL answers 404 to the others, so the admin's existence does not show (issue 31)."""
    networks = getattr(settings, "OPS_ADMIN_ALLOWED_NETWORKS", [])
    if not networks:
        return True
    address = client_ip(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)
