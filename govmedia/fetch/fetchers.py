"""Fetchers: the only code that goes on the network (docs/decisions/0028).

`Fetcher` is the interface the checks use: `get(url)` for a page (status, time, redirects, the
first MONITORING_MAX_BODY_BYTES of the body) and `certificate(host, port)` for the TLS check.
`HttpxFetcher` implements it on one shared httpx client (connection pool bounded by the
concurrency) behind a per-host gate (gates.py): at most MONITORING_PER_HOST requests in
flight to a host and MONITORING_POLITENESS_DELAY seconds between two starts there, in this process
or, with Redis, across every worker (MONITORING_HOST_GATE, decision 0034). A deployment can plug another
class in with MONITORING_FETCHER (the bench routes everything to its fixture server this way).

No fetch reaches inside (decision 0043, addresses.py): non-http(s) URLs are refused,
every request (each redirect hop) is checked before it is sent, and every connection goes to an
address checked at connect time; MONITORING_ALLOWED_NETWORKS opens chosen private networks. A
refused URL is 未检查 (`Page.refused`), never a finding, and nothing is sent.

Pages are fetched without verifying certificates: reachability is "the server answers"; the
certificate has its own check, so an expired certificate is one finding, not two.
"""
from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from urllib.parse import urlsplit

import httpcore
import httpx

from . import addresses, conf
from .addresses import Refused
from .gates import GateTimeout, HostGate, SharedHostGate, make_gate  # noqa: F401  (HostGate: its old home)
from django.utils.module_loading import import_string


@dataclass
class Page:
    url: str
    final_url: str = ""
    status: int | None = None
    elapsed_ms: int | None = None
    redirects: int = 0
    body: bytes = b""
    truncated: bool = False
    error: str = ""            # a Chinese reason when no answer came (timeout, refused, too many redirects)
    unchecked: bool = False    # nothing was sent: the host's gate gave no slot in time (never a finding)
    refused: bool = False      # nothing was sent: the address guard refused the URL (never a finding)
    headers: dict = field(default_factory=dict)   # the final answer's headers (lower-case names)

    @property
    def ok(self) -> bool | None:
        """True: the server answered below 400; False: it did not; None: not checked (the gate gave up)."""
        if self.unchecked or self.refused:
            return None
        return not self.error and self.status is not None and self.status < 400

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def problem(self) -> str:
        return self.error or f"HTTP {self.status}"


@dataclass
class Certificate:
    not_after: datetime | None = None
    verified: bool = False
    verify_error: str = ""
    error: str = ""
    refused: bool = False
    extra: dict = field(default_factory=dict)


class Fetcher:
    """The interface; `close()` frees the connections."""

    def get(self, url: str) -> Page:  # pragma: no cover - interface
        raise NotImplementedError

    def certificate(self, host: str, port: int = 443) -> Certificate:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass


def host_key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc or parts.path).lower()


def _reason(exc: Exception) -> str:
    if isinstance(exc, httpx.TooManyRedirects):
        return f"重定向超过 {conf.get('MONITORING_MAX_REDIRECTS')} 次"
    if isinstance(exc, httpx.TimeoutException):
        return "连接超时"
    if isinstance(exc, httpx.ConnectError):
        return "无法连接"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "服务器断开连接"
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return "链接格式无效"
    return "访问出错"


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend with the connect-time check: every TCP connection but the one to
    the configured proxy goes to an address checked in the same call (DNS rebinding)."""

    def __init__(self, proxy_endpoint: tuple[str, int] | None = None):
        self.proxy_endpoint = proxy_endpoint

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        if self.proxy_endpoint and (host.lower(), port) == self.proxy_endpoint:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            sock = addresses.connect(host, port, timeout)
        except socket.timeout as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except Refused:
            raise
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for option in socket_options or ():
            sock.setsockopt(*option)  # pragma: no cover
        return httpcore._backends.sync.SyncStream(sock)


def _proxy_endpoint(proxy: str | None) -> tuple[str, int] | None:
    if not proxy:
        return None
    parts = urlsplit(proxy)
    return ((parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80))


class HttpxFetcher(Fetcher):
    def __init__(self, concurrency: int | None = None):
        self.concurrency = concurrency or conf.get("MONITORING_CONCURRENCY")
        self.timeout = float(conf.get("MONITORING_TIMEOUT"))
        self.max_body = int(conf.get("MONITORING_MAX_BODY_BYTES"))
        self.proxy = conf.get("MONITORING_PROXY") or None
        self.gate = make_gate(conf.get("MONITORING_PER_HOST"), float(conf.get("MONITORING_POLITENESS_DELAY")), self.timeout)
        # The TLS check's two contexts, built once (loading a CA store costs milliseconds of CPU):
        # one reads any certificate, the other verifies against the system store or the bundle.
        self.tls_loose = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.tls_loose.check_hostname, self.tls_loose.verify_mode = False, ssl.CERT_NONE
        self.tls_strict = ssl.create_default_context(cafile=conf.get("MONITORING_CA_BUNDLE") or None)
        transport = httpx.HTTPTransport(
            verify=False, proxy=self.proxy, trust_env=False,
            limits=httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency))
        # The connect-time check (httpx exposes no backend setting; httpcore's pool keeps it here).
        assert hasattr(transport._pool, "_network_backend"), "httpcore changed: the address guard needs its backend"
        transport._pool._network_backend = GuardedBackend(_proxy_endpoint(self.proxy))
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.timeout), follow_redirects=True, max_redirects=conf.get("MONITORING_MAX_REDIRECTS"),
            transport=transport, trust_env=False, event_hooks={"request": [self._check_request]},
            headers={"User-Agent": conf.get("MONITORING_USER_AGENT"), "Accept-Language": "zh-CN,zh;q=0.9"})

    def _check_request(self, request: httpx.Request) -> None:
        """Before every request, each redirect hop included: http(s) only, no inside address. Without
        a proxy a name is checked again when connecting (the address actually used); through a
        proxy that connection goes to the proxy, so the name is resolved and checked here."""
        addresses.check_url(str(request.url), resolve_host=False, lookup=bool(self.proxy))

    def close(self) -> None:
        self.client.close()
        self.gate.close()

    def get(self, url: str) -> Page:
        return self._get(url, url)

    def _get(self, url: str, fetch_url: str) -> Page:
        """`url` as the checks know it (the gate's host); `fetch_url` what goes on the wire."""
        page = Page(url=url)
        start = time.monotonic()
        try:
            with self.gate.enter(host_key(url)):
                for _ in range(2):
                    try:
                        self._read(page, fetch_url)
                        break
                    except httpx.RemoteProtocolError as exc:
                        # A kept-alive connection the server closed meanwhile: once more, on a new one.
                        page.error = _reason(exc)
                    except httpx.HTTPError as exc:
                        page.error = _reason(exc)
                        break
                    except Refused as exc:
                        page.error, page.refused, page.status = exc.reason, True, None
                        break
                page.elapsed_ms = int((time.monotonic() - start) * 1000)
        except GateTimeout as exc:
            page.error, page.unchecked = str(exc), True
        return page

    def _read(self, page: Page, fetch_url: str) -> None:
        page.error = ""
        with self.client.stream("GET", fetch_url) as response:
            page.status, page.final_url = response.status_code, str(response.url)
            page.headers = {k.lower(): v for k, v in response.headers.items()}
            page.redirects = len(response.history)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= self.max_body:
                    page.truncated = True
                    break
            page.body = b"".join(chunks)[: self.max_body]

    def _connect(self, host: str, port: int) -> socket.socket:
        """A TCP connection to host:port, through an HTTP proxy's CONNECT tunnel when one is set."""
        if not self.proxy:
            return addresses.connect(host, port, self.timeout)
        addresses.check_url(f"https://{host}:{port}/", resolve_host=False)
        proxy = urlsplit(self.proxy)
        sock = socket.create_connection((proxy.hostname, proxy.port or 80), timeout=self.timeout)
        sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        answer = b""
        while b"\r\n\r\n" not in answer and len(answer) < 8192:
            data = sock.recv(1024)
            if not data:
                break
            answer += data
        if answer.split(b" ", 2)[1:2] != [b"200"]:
            sock.close()
            raise OSError("代理拒绝连接")
        return sock

    def certificate(self, host: str, port: int = 443) -> Certificate:
        """The server's certificate: its expiry (read even when it does not verify) and whether it
        verifies against the system store or MONITORING_CA_BUNDLE."""
        from cryptography import x509  # start-up cost: ~20 ms to import; only the certificate check loads it

        result = Certificate()
        try:
            with self.gate.enter(f"{host}:{port}".lower()):
                self._read_certificate(result, host, port, x509)
        except GateTimeout as exc:
            result.error = str(exc)
        except Refused as exc:
            result.error, result.refused = exc.reason, True
        return result

    def _read_certificate(self, result: Certificate, host: str, port: int, x509) -> None:
        try:
            with self._connect(host, port) as raw, self.tls_loose.wrap_socket(raw, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
            result.not_after = x509.load_der_x509_certificate(der).not_valid_after_utc
        except (OSError, ValueError) as exc:
            result.error = "无法建立 HTTPS 连接" if not isinstance(exc, socket.timeout) else "连接超时"
            return
        try:
            with self._connect(host, port) as raw, self.tls_strict.wrap_socket(raw, server_hostname=host):
                result.verified = True
        except ssl.SSLCertVerificationError as exc:
            result.verify_error = exc.verify_message or "证书校验失败"
        except OSError as exc:
            result.verify_error = str(exc)[:200]


def days_left(cert: Certificate, now: datetime | None = None) -> int | None:
    if cert.not_after is None:
        return None
    now = now or datetime.now(dt_timezone.utc)
    return (cert.not_after - now).days  # negative once expired (floored: expired an hour ago = -1)


def make_fetcher(concurrency: int | None = None) -> Fetcher:
    return import_string(conf.get("MONITORING_FETCHER"))(concurrency)
