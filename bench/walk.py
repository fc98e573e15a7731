"""The pages a person opens without an id: each route of the URLconf that takes no argument and
that the access map lets the user open, less the routes that act on GET or are machine endpoints.
Walked at national scale by bench/pages.py and on the SQLite demo by tests/demo_walk.py."""
import re

from django.urls import reverse

from govmedia.access import is_admin_route, iter_patterns, may_open

# Routes that answer GET but act (sign out, start a job, hand out a file, a captcha image) or are
# machine endpoints: not pages a person reads.
NOT_PAGES = re.compile(r"logout|export|download|captcha|healthz|metrics|robots|api|feed|opendata|open_data|"
                       r"manifest|sitemap|favicon|static|\.xlsx|\.csv|\.json|\.docx|template|sms|columns")


def pages_of(user) -> list[tuple[str, str]]:
    """(route name, address) of every argument-free GET route `user` may open."""
    found = []
    for name, pattern in iter_patterns():
        if not name or is_admin_route(name) or NOT_PAGES.search(name) or NOT_PAGES.search(str(pattern.pattern)):
            continue
        if pattern.pattern.converters or "(?P<" in str(pattern.pattern.regex.pattern):
            continue
        access = pattern.default_args.get("access")
        if access is None or access.public or not may_open(user, name):
            continue
        found.append((name, reverse(name)))
    return sorted(set(found), key=lambda item: item[1])
