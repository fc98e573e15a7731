"""The address guard of the fetcher (issue 27 item 5, docs/decisions/0043): no fetch reaches inside.

Every URL the monitoring fetches was typed by a filer unit (a homepage, a 栏目, an account or app
link) or came back in a redirect, so nothing it names may reach the server's own network:

- only http and https are fetched (`check_url`);
- the host is resolved and refused when ANY of its addresses is loopback, link-local, private,
  shared (100.64/10), multicast, unspecified or reserved — IPv4 and IPv6, with the IPv4 address
  inside an IPv4-mapped (::ffff:a.b.c.d), 6to4, Teredo or NAT64 (64:ff9b::/96) address checked too;
- the check runs before each request (every redirect hop: the fetcher's request hook) AND at
  connect time (`connect`): the socket goes to an address that was checked in the same breath,
  so a DNS answer that changes between the check and the connection (DNS rebinding) never gets
  through;
- MONITORING_ALLOWED_NETWORKS (CIDRs) lets an intranet deployment reach private addresses on
  purpose (its own portal behind the firewall, a test fixture on 127.0.0.1).

Through a proxy (MONITORING_PROXY) the proxy itself is the one connection made (ops chose it); the
targets are still checked when they resolve here, and a literal address always is.
"""
from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from . import conf
import re
from django.contrib import messages

SCHEMES = ("http", "https")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL or address is not fetched; `reason` says why in Chinese (shown as the result)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@lru_cache(maxsize=32)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def allowed_networks() -> tuple:
    value = conf.get("MONITORING_ALLOWED_NETWORKS") or ()
    if isinstance(value, str):
        value = value.split(",")
    return _networks(tuple(value))


def _embedded(ip: Address) -> list[Address]:
    """What to judge: the IPv4 addresses an IPv6 address carries (6to4, Teredo, NAT64) first, then
    the address itself — or, for an IPv4-mapped address (::ffff:a.b.c.d), its IPv4 address alone."""
    if ip.version == 4:
        return [ip]
    if ip.ipv4_mapped:
        return [ip.ipv4_mapped]
    found: list[Address] = []
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found += list(ip.teredo)
    if ip in NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found + [ip]


def _kind(ip: Address) -> str:
    if ip.is_loopback:
        return "回环地址"
    if ip.is_link_local:
        return "链路本地地址"
    if ip.is_multicast:
        return "组播地址"
    if ip.is_unspecified:
        return "未指定地址"
    if ip.is_reserved:
        return "保留地址"
    if ip.is_private or (ip.version == 4 and ip in ipaddress.ip_network("100.64.0.0/10")):
        return "内网地址"
    return "保留地址"


def refused_kind(address: str | Address) -> str:
    """"" when the address may be fetched, else what it is (回环地址, 内网地址 …)."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0] if isinstance(address, str) else address)
    except ValueError:
        return "无效地址"
    allowed = allowed_networks()
    for inner in _embedded(ip):
        if any(inner.version == net.version and inner in net for net in allowed):
            continue
        if inner.is_multicast or not inner.is_global:
            return _kind(inner)
    return ""


def refusal(address: str | Address) -> str:
    """"" when the address may be fetched, else the reason (不允许访问内网地址（10.0.0.1）…)."""
    kind = refused_kind(address)
    return f"不允许访问{kind}（{address}）" if kind else ""


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def getaddrinfo(host: str, port: int):
    """socket.getaddrinfo (one name here, so that the tests can stand in a resolver)."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def resolve(host: str, port: int) -> list[tuple]:
    """(family, sockaddr) of every address of host; Refused when any of them is not allowed."""
    host = host.strip("[]")
    literal = _literal(host) is not None
    try:
        infos = getaddrinfo(host, port)
    except socket.gaierror as exc:
        raise OSError(f"域名无法解析（{host}）") from exc
    addresses = [(family, sockaddr) for family, _, _, _, sockaddr in infos]
    if not addresses:
        raise OSError(f"域名无法解析（{host}）")
    for _, sockaddr in addresses:
        kind = refused_kind(sockaddr[0])
        if kind:   # a name's internal address is not told (it would map the inside)
            raise Refused(f"不允许访问{kind}（{host if literal else '域名 ' + host}）")
    return addresses


def open_socket(family: int, sockaddr: tuple, timeout: float | None) -> socket.socket:
    """One TCP connection to an address already checked (the tests count what would arrive)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


def connect(host: str, port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to host:port on an address checked now (resolve, check every address, connect
    to the first that answers): the connect-time check against DNS rebinding."""
    last: Exception | None = None
    for family, sockaddr in resolve(host, port):
        try:
            return open_socket(family, sockaddr, timeout)
        except OSError as exc:
            last = exc
    raise last or OSError(f"无法连接（{host}）")


def check_url(url: str, resolve_host: bool = True, lookup: bool = True) -> None:
    """Refused unless url is http(s) with a host whose every address may be fetched. With
    resolve_host=False (through a proxy) a name that does not resolve here is left to the proxy;
    with lookup=False no DNS query is made (literal addresses and localhost names only)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise Refused(f"仅监测 http/https 链接（{parts.scheme or '无协议'}）")
    host = parts.hostname
    if not host:
        raise Refused("链接没有主机名")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise Refused("链接端口无效") from exc
    if not lookup:
        name = host.lower().rstrip(".")
        if _literal(host) is None and (name in LOCAL_NAMES or name.endswith(".localhost")):
            if refused_kind("127.0.0.1"):
                raise Refused(f"不允许访问回环地址（域名 {host}）")
        elif _literal(host) is not None and refusal(host):
            raise Refused(refusal(host))
        return
    try:
        resolve(host, port)
    except Refused:
        raise
    except OSError:
        if resolve_host:
            raise


def url_warning(url: str) -> str:
    """For the add/modify forms: why monitoring will not fetch this URL ("" when it will as far as the
    URL alone tells: a literal address or a localhost name; no DNS query in a request)."""
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url
    try:
        check_url(url, lookup=False)
    except Refused as exc:
        return f"该地址指向内部网络或不是网页地址，自动监测不会访问：{exc.reason}"
    except (OSError, ValueError, UnicodeError):
        return ""
    return ""


def warn_inside_urls(request, *values) -> int:
    """The add/modify forms: one 提示 (messages.warning) per URL monitoring will not fetch; the save
    itself goes on (an intranet-only address may be on purpose). Values may be "；"-joined lists."""
    shown = 0
    for value in values:
        for url in re.split(r"[；;\s]+", value or ""):
            warning = url_warning(url) if url and url != "无" else ""
            if warning:
                messages.warning(request, f"{url}：{warning}")
                shown += 1
    return shown
