"""The website identity rules the filing workflow and the services share: one 网站名称 and one
首页网址 per live site, and no domain twice (docs/decisions/0022-website-rules.md)."""
from urllib.parse import urlsplit

from django.db.models import Q

from .models import Filing, Website


def normalise_homepage(url: str) -> str:
    parts = urlsplit(url.strip() if "://" in url else "http://" + url.strip())
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    path = parts.path.rstrip("/")
    return f"{host}{':' + str(parts.port) if parts.port else ''}{path}"


def duplicate_of(name: str = "", homepage: str = "", exclude_pk: int | None = None) -> Website | None:
    """An existing website with this name or homepage (the form refuses at once, saying which)."""
    live = Website.objects.exclude(filing=Filing.REJECTED).exclude(pk=exclude_pk)
    if name and (site := live.filter(name=name.strip()).first()):
        return site
    if homepage and (site := live.filter(homepage_key=normalise_homepage(homepage)).first()):
        return site
    return None


def claimed_by_a_change(name: str = "", homepage: str = "", exclude_pk: int | None = None) -> Website | None:
    """Another site whose 基本信息修改 waiting for review asks for this name or homepage."""
    waiting = Website.objects.filter(filing=Filing.MODIFYING).exclude(pk=exclude_pk)
    if name and (site := waiting.filter(pending_changes__name=name.strip()).first()):
        return site
    if homepage:
        key = normalise_homepage(homepage)
        for site in waiting.filter(pending_changes__has_key="homepage"):
            if normalise_homepage(site.pending_changes["homepage"]) == key:
                return site
    return None


def identity_refusal(site: Website, name: str = "", homepage: str = "") -> dict[str, str]:
    """Why a site may not take this new 网站名称 / 首页网址 (field → message; empty when it may):
    the uniqueness of the public application holds for a change too, and two changes waiting at
    once may not ask for the same one."""
    refusals = {}
    for field, label, value in (("name", "网站名称", name), ("homepage", "首页网址", homepage)):
        if not value:
            continue
        other = duplicate_of(**{field: value}, exclude_pk=site.pk)
        if other is not None:
            refusals[field] = f"{label}与已有网站“{other.name}”重复，不能修改。"
        elif claimed_by_a_change(**{field: value}, exclude_pk=site.pk) is not None:
            refusals[field] = f"该{label}已有其他网站的修改申请正在审核，不能修改。"
    return refusals


def _domain_variants(key: str) -> list[str]:
    host = key.split("/", 1)[0]
    bare = [key, f"www.{key}"] if host == key else [key]
    return [prefix + value for value in bare for prefix in ("", "http://", "https://")] + \
        [prefix + value + "/" for value in bare for prefix in ("http://", "https://")]


def domains_refusal(site: Website, domains: list[str]) -> str | None:
    """A domain of the list that is this site's 首页网址, or another site's 首页网址 or other domain."""
    live = Website.objects.exclude(filing=Filing.REJECTED).exclude(pk=site.pk)
    for domain in domains:
        key = normalise_homepage(domain)
        if key == site.homepage_key:
            return f"“{domain}”是本网站的首页网址，无需作为其他域名添加。"
        other = live.filter(homepage_key=key).first()
        if other is None:
            contains = Q()
            for variant in _domain_variants(key):
                contains |= Q(other_domains__contains=[variant])
            other = live.filter(contains).first()
        if other is not None:
            return f"“{domain}”已是网站“{other.name}”的首页网址或其他域名，不能添加。"
    return None
