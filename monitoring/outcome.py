"""What a check returns (an Outcome) and the address it reads (normalise_url): below the checks of a
website or an account (monitoring/checks.py) and of a site's content (monitoring/site_content.py),
which both build on them."""
from __future__ import annotations

from dataclasses import dataclass, field

HTTP = ("http://", "https://")


@dataclass
class Outcome:
    kind: str
    ok: bool | None
    detail: str = ""
    status_code: int | None = None
    elapsed_ms: int | None = None
    data: dict = field(default_factory=dict)
    confirmed: bool = False    # set by the runner: a failure that counts (MONITORING_CONFIRM_RUNS, 0044)


def normalise_url(url: str) -> str:
    url = (url or "").strip()
    if url and not url.lower().startswith(HTTP) and "://" not in url:
        url = "http://" + url
    return url
