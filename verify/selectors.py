"""The public reads: verify a link or a domain, search by name, fetch by code, the change feed.

Each answer costs at most two queries (the rows with their "since", holder and successor; the
org names), whatever the size of the registry (issue 26: tests/verify/test_queries.py).
"""
import re
from dataclasses import dataclass, field
from functools import partial

from django.db import connection
from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

from accounts_media.models import MediaAccount
from accounts_media.platforms import PlatformIdError, extract_platform_id, platform_of
from govmedia.common.prepared import prepared
from reviews.models import JournalEntry
from websites.models import Website
from websites.services import normalise_homepage

from . import names
from . import records as R
from django.contrib.postgres.search import TrigramSimilarity

SEARCH_LIMIT = 10
MAX_QUERY = 100
_LINKISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w-]+(?:\.[\w-]+)+(?:[/?#:]|$))", re.I)
# A link inside pasted share text (【上庄发布】… https://… 复制此链接…): it ends at a space or at the
# first character no URL holds unencoded (CJK, full-width punctuation, brackets).
_LINK_IN_TEXT = re.compile(r"(?:https?|weixin)://[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef<>\"'【】]+", re.I)


@dataclass
class Answer:
    query: str
    answer: str                      # registered / closed / not_registered / unrecognised
    text: str                        # 是政务新媒体账号 / 已关停 / 未在系统中登记 …
    message: str = ""                # why a link could not be read, or a note
    record: dict | None = None
    similar: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"query": self.query, "answer": self.answer, "answer_text": self.text, "message": self.message,
                "record": self.record, "similar": self.similar}


def looks_like_link(text: str) -> bool:
    return bool(_LINKISH.match((text or "").strip()) or _LINK_IN_TEXT.search(text or ""))


def link_in(text: str) -> str:
    """The link itself: the whole text when it is one, else the first link in pasted share text."""
    text = (text or "").strip()
    if _LINKISH.match(text) and not re.search(r"\s", text):
        return text
    found = _LINK_IN_TEXT.search(text)
    return found.group(0).rstrip(".,;:!?)") if found else text


def _ids_of(link: str) -> tuple[list[tuple[str, str]], str]:
    """(type, platform id) pairs the link may stand for, and the message when there is none."""
    text = link.strip()
    if "://" not in text:
        text = "https://" + text
    owner = platform_of(text)
    # A link of a known platform is that platform's; any other is a 移动客户端 download page, a
    # 小程序 link or an 其他 account (all compared by the normalised URL). The 小程序 AppID wins anywhere.
    candidates = [owner, "XC"] if owner else ["KH", "XC", "QT"]
    pairs, message = [], ""
    for code in dict.fromkeys(candidates):
        try:
            pairs.append((code, extract_platform_id(code, text)))
        except PlatformIdError as exc:
            if code == (owner or "QT"):
                message = exc.message
    return pairs, message


# The platform ids a link's statement takes, in the order of its (type, id) pairs (at most three:
# a platform's own, a 小程序 AppID, or 移动客户端 / 小程序 / 其他 for any other link).
_ID_MARKERS = ("\x00verify-id-0", "\x00verify-id-1", "\x00verify-id-2")


def _accounts_of_link(codes: tuple, **ids):
    """The account of a link's (type, id) pairs: the live one (the unique index of live type + id)
    before a deleted one (this app's partial index), which only tells that the account left the
    registry. Each arm of the OR states its index's predicate, so PostgreSQL reads both indexes (a
    bitmap OR); the match alone spans both and was a scan of every account (~40 ms at 250,000)."""
    match = Q()
    for code, marker in zip(codes, _ID_MARKERS):
        match |= Q(account_type=code, platform_id=ids[marker])
    live, deleted = Q(removed_at__isnull=True) & match, Q(removed_at__isnull=False, media_code__isnull=False) & match
    return (R.with_control(R.registered_accounts()).filter(live | deleted)
            .order_by(F("removed_at").desc(nulls_first=True))[:1])


def verify_link(link: str) -> Answer:
    link = link_in((link or "")[:2000])[:1000]
    pairs, message = _ids_of(link)
    if not pairs:
        return Answer(link, R.UNRECOGNISED, R.ACCOUNT_ANSWERS[R.UNRECOGNISED], message)
    codes = tuple(code for code, _ in pairs)
    statement = prepared(("verify.link", codes), MediaAccount, partial(_accounts_of_link, codes),
                         repeated=_ID_MARKERS[:len(codes)], **{name: name for name in _ID_MARKERS[:len(codes)]})
    found = statement.all(**{name: platform_id for name, (_, platform_id) in zip(_ID_MARKERS, pairs)})
    if not found:
        return Answer(link, R.NOT_REGISTERED, R.ACCOUNT_ANSWERS[R.NOT_REGISTERED],
                      "该链接对应的账号未在全国政务新媒体系统中登记，请谨慎辨别。")
    (record,) = R.account_records(found)
    answer = R.account_answer(found[0])
    note = f"该账号已于 {record['since']} 删除（退出监管）。" if record["status"] == R.PUBLIC_DELETED else ""
    return Answer(link, answer, R.answer_text(record, answer), note, record)


def _key_column(model):
    """The stored folded key (names.KEY_SQL, a generated column of migration 0004, PostgreSQL only)."""
    return RawSQL(f'"{model._meta.db_table}"."name_key"', [], output_field=CharField())


def _near(qs, name: str):
    """Rows named `name`, or near it by the folded key (traditional characters, filler words and
    a shortened name fold away), best first. PostgreSQL: the btree on name and the trigram index
    on the key; SQLite (the demo): substrings of the name or the key."""
    key = names.name_key(name)
    simplified = names.to_simplified(name)
    if connection.vendor != "postgresql":
        near = Q(name__icontains=name) | Q(name__icontains=simplified)
        if key:
            near |= Q(name__icontains=key)
        return qs.filter(near).order_by(_exact_first(name, simplified), "-id")
    return _near_on_key(qs, name, simplified, key, _contains_test(key))


def _exact_first(name: str, simplified: str) -> Case:
    """0 for a row named exactly `name` (or its simplified form), else 1: the order's first key."""
    return Case(When(name__in={name, simplified}, then=Value(0)), default=Value(1), output_field=IntegerField())


def _contains_test(key: str) -> bool:
    """The key has a whole trigram: a substring test of it can use the trigram index."""
    return bool(key) and len(key) >= names.MIN_CONTAINS


def _near_on_key(qs, name: str, simplified: str, key: str, contains: bool):
    """_near on PostgreSQL, its arguments given (a prepared statement's markers, or the values)."""
    exact = _exact_first(name, simplified)
    qs = qs.annotate(key=_key_column(qs.model))
    near = Q(name__in={name, simplified})
    if key:
        near |= Q(key__trigram_similar=key)
        if contains:
            near |= Q(key__contains=key)
        qs = qs.annotate(similarity=TrigramSimilarity("key", key))
        return qs.filter(near).order_by(exact, "-similarity", "-id")
    return qs.filter(near).order_by(exact, "-id")


# A name search's arguments in its prepared statement (each may appear several times in it).
_NAME, _SIMPLIFIED, _KEY = "\x00verify-name", "\x00verify-simplified", "\x00verify-key"


def _near_rows(shape: str, model, base, name: str, limit: int) -> list:
    """The first `limit` rows of `_near(base(), name)`. On PostgreSQL by one statement per shape
    (whether the name has a simplified form, a key, a key long enough for a substring test),
    compiled once per process: building this query was ~4 ms of a 7 ms answer (session 20)."""
    if connection.vendor != "postgresql":
        return list(_near(base(), name)[:limit])
    key, simplified = names.name_key(name), names.to_simplified(name)
    contains = _contains_test(key)
    values = {"name": name, **({"simplified": simplified} if simplified != name else {}), **({"folded": key} if key else {})}
    markers = {"name": _NAME, "simplified": _SIMPLIFIED, "folded": _KEY}

    def build(name, simplified=None, folded=""):
        return _near_on_key(base(), name, simplified or name, folded, contains)[:limit]

    statement = prepared(("verify.near", shape, tuple(values), contains, limit), model, build,
                         repeated=tuple(values), **{k: markers[k] for k in values})
    return statement.all(**values)


def search_accounts(name: str, limit: int = SEARCH_LIMIT) -> Answer:
    """Registered accounts named like `name` (closed ones too, so an imitation is easy to tell)."""
    name = (name or "").strip()[:MAX_QUERY]
    rows = _near_rows("accounts", MediaAccount,
                      lambda: R.with_control(R.registered_accounts()).filter(removed_at__isnull=True), name, limit)
    found = R.account_records(rows)
    wanted = {name, names.to_simplified(name)}
    exact = [r for r in found if r["name"] in wanted]
    if not exact:
        return Answer(name, R.NOT_REGISTERED, R.ACCOUNT_ANSWERS[R.NOT_REGISTERED],
                      "未找到该名称的政务新媒体账号。" if not found else "未找到名称完全相同的账号，请核对下列相近名称。",
                      None, found)
    best = next((r for r in exact if r["status"] == R.PUBLIC_NORMAL), exact[0])
    answer = R.REGISTERED if best["status"] == R.PUBLIC_NORMAL else R.CLOSED
    note = f"共有 {len(exact)} 个同名账号，请核对平台与填报单位。" if len(exact) > 1 else ""
    return Answer(name, answer, R.answer_text(best, answer), note, best, [r for r in found if r is not best])


def search_websites(name: str, limit: int = SEARCH_LIMIT) -> Answer:
    name = (name or "").strip()[:MAX_QUERY]
    rows = _near_rows("websites", Website,
                      lambda: R.with_control(R.registered_websites()).exclude(run_status="deleted"), name, limit)
    found = R.website_records(rows)
    wanted = {name, names.to_simplified(name)}
    exact = [r for r in found if r["name"] in wanted]
    if not exact:
        return Answer(name, R.NOT_REGISTERED, R.WEBSITE_ANSWERS[R.NOT_REGISTERED],
                      "未找到该名称的政府网站。" if not found else "未找到名称完全相同的网站，请核对下列相近名称。",
                      None, found)
    best = next((r for r in exact if R.answer_of_record(r) == R.REGISTERED), exact[0])
    answer = R.answer_of_record(best)
    return Answer(name, answer, R.WEBSITE_ANSWERS[answer], "", best, [r for r in found if r is not best])


def verify_domain(text: str) -> Answer:
    """A website by its homepage address or any of its domains."""
    text = (text or "").strip()[:300]
    try:
        key = normalise_homepage(text) if text and not re.search(r"[\s\x00-\x1f\x7f]", text) else ""
    except ValueError:  # a port that is no number, brackets that are no IPv6 address …
        key = ""
    host = key.split("/", 1)[0]
    if not host or "." not in host:
        return Answer(text, R.UNRECOGNISED, R.WEBSITE_ANSWERS[R.UNRECOGNISED], "请输入网站的域名或首页网址，如 www.beijing.gov.cn。")
    match = Q(homepage_key=key) | Q(homepage_key=host) | Q(homepage_key__startswith=host + "/")
    match |= Q(other_domains__icontains=f'"{host}') | Q(other_domains__icontains=f'.{host}"')
    rows = [s for s in R.with_control(R.registered_websites()).filter(match).order_by("-id")[:5]
            if _same_site(s, key, host)]
    if not rows:
        return Answer(text, R.NOT_REGISTERED, R.WEBSITE_ANSWERS[R.NOT_REGISTERED],
                      "该网址未在全国政府网站系统中登记，请谨慎辨别。")
    rows.sort(key=lambda s: s.homepage_key != key)  # the site whose homepage it is, before one with it as another domain
    (record,) = R.website_records(rows[:1])
    answer = R.website_answer(rows[0])
    return Answer(text, answer, R.WEBSITE_ANSWERS[answer], "", record)


def _same_site(site, key: str, host: str) -> bool:
    home = normalise_homepage(site.homepage)
    if home == key or home.split("/", 1)[0] == host:
        return True
    return any(normalise_homepage(d).split("/", 1)[0] == host for d in (site.other_domains or []))


def account_by_code(code: str) -> dict | None:
    rows = list(R.with_control(R.registered_accounts()).filter(media_code=code)[:1])
    return R.account_records(rows)[0] if rows else None


def website_by_code(code: str) -> dict | None:
    rows = list(R.with_control(R.registered_websites()).filter(site_code=code)[:1])
    return R.website_records(rows)[0] if rows else None


def record_by_code(code: str) -> dict | None:
    """A /verify/<code> page: 网站标识码 are ten digits, 新媒体标识码 carry letters."""
    code = (code or "").strip()[:20]
    return website_by_code(code) if code.isdigit() else account_by_code(code)


# --- the change feed ----------------------------------------------------------------------
PAGE_SIZE = 50


def changes(since=None, page: int = 1, newest_first: bool = True, page_size: int | None = None) -> dict:
    """One page of public events (登记 / 关停 / 下线 / 恢复 / 删除) with the subject's public record.

    Read from the review journal through the partial index verify_journal_public_events."""
    page_size = page_size or PAGE_SIZE
    qs = JournalEntry.objects.filter(R.EVENTS)
    if since is not None:
        qs = qs.filter(at__gte=since)
    qs = qs.order_by("-at", "-id") if newest_first else qs.order_by("at", "id")
    page = max(1, page)
    start = (page - 1) * page_size
    entries = list(qs.only("id", "at", "subject_type", "subject_id", "action")[start:start + page_size + 1])
    more = len(entries) > page_size
    entries = entries[:page_size]
    account_ids = [e.subject_id for e in entries if e.subject_type == "media_account"]
    site_ids = [e.subject_id for e in entries if e.subject_type == "website"]
    accounts = {a.pk: a for a in R.registered_accounts().filter(pk__in=account_ids)} if account_ids else {}
    sites = {s.pk: s for s in R.registered_websites().filter(pk__in=site_ids)} if site_ids else {}
    names = R.org_names_for([a.org_path for a in accounts.values()] + [s.org_path for s in sites.values()])
    items = []
    for entry in entries:
        subject = (accounts if entry.subject_type == "media_account" else sites).get(entry.subject_id)
        if subject is None:  # a website approved before its code was generated: listed once it has one
            continue
        record = (R.account_record if entry.subject_type == "media_account" else R.website_record)(subject, names)
        event = R.event_of(entry)
        items.append({"id": entry.pk, "at": entry.at, "event": event, "event_label": R.EVENT_LABELS[event],
                      "record": record})
    return {"page": page, "has_next": more, "items": items}
