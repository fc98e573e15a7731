"""The one check for every "go back to where you came from" (?next=, a notification's link)."""
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, url: str | None) -> str | None:
    """`url` when it stays on this site (this host, no downgrade from https), else None."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return None
