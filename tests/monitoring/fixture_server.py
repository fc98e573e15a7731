"""A local fixture server for the monitoring checks (no internet): threaded HTTP and two HTTPS
listeners (a valid certificate and an expired one, both from a throwaway CA made here with
`cryptography`), serving registered pages plus a few built-in behaviours:

  /slow/<seconds>       answers after a delay (a slow host: the fetcher's timeout fires first)
  /redirect/<n>         n redirects, then /ok
  /loop                 redirects to itself (too many redirects)
  /drop/<key>           closes the connection without an answer the first time (always for "always")
  /ok                   200
  /gate/<seconds>       answers after a delay, recording per Host header the requests in flight (`active`,
                        `peak`) and each start time (`starts`): what the per-host gate let through
  CONNECT host:port     as a proxy, tunnels to the valid-certificate listener
  absolute-form GETs    as a proxy, served from the pages registered under the full URL
  anything containing "missing" → 404; any other path unregistered → 200 (`default_body`)
  --bench: /bench<n>.gov.cn/… the bench's website pages (bench_pages.py); other paths the
           account pages (a post of yesterday; one in ACCOUNT_ERROR_EVERY with a dictionary error)

Tests register pages with `server.page(path, body, status=200)`; a path may carry its query.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.monitoring import bench_pages


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca_and_certs(folder: Path) -> dict[str, Path]:
    """A throwaway CA, and two server certificates for 127.0.0.1/localhost it signed: one valid for
    a year, one expired ten days ago. Returns the PEM paths."""
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("govmedia test CA")).issuer_name(_name("govmedia test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=400)).not_valid_after(now + dt.timedelta(days=400))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    paths = {"ca": folder / "ca.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for label, start, end in (("valid", now - dt.timedelta(days=1), now + dt.timedelta(days=365)),
                              ("expired", now - dt.timedelta(days=100), now - dt.timedelta(days=10))):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(ca.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(end)
                .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                            x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
                .sign(ca_key, hashes.SHA256()))
        pem = folder / f"{label}.pem"
        pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        paths[label] = pem
    return paths


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive: the bench reuses connections

    def log_message(self, *args):   # quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's name
        fixture: FixtureServer = self.server.fixture
        fixture.count += 1
        path = self.path
        plain = path.split("?", 1)[0]
        registered = fixture.pages.get(path) or fixture.pages.get(plain)
        if registered is not None:
            status, body, headers = registered
            return self._send(status, body, headers)
        if plain.startswith("/slow/"):
            time.sleep(float(plain.rsplit("/", 1)[1]))
            return self._send(200, b"<html>slow</html>")
        if plain.startswith("/gate/"):
            host = self.headers.get("Host", "")
            with fixture.lock:
                fixture.starts.setdefault(host, []).append(time.monotonic())
                fixture.active[host] = fixture.active.get(host, 0) + 1
                fixture.peak[host] = max(fixture.peak.get(host, 0), fixture.active[host])
            try:
                time.sleep(float(plain.rsplit("/", 1)[1]))
            finally:
                with fixture.lock:
                    fixture.active[host] -= 1
            return self._send(200, b"<html>gate</html>")
        if plain.startswith("/redirect/"):
            left = int(plain.rsplit("/", 1)[1])
            return self._send(302, b"", {"Location": f"/redirect/{left - 1}" if left > 1 else "/ok"})
        if plain.startswith("/drop/"):   # the connection closed without an answer: once per key, or always
            key = plain.rsplit("/", 1)[1]
            if key == "always" or key not in fixture.dropped:
                fixture.dropped.add(key)
                self.close_connection = True
                return None
            return self._send(200, b"<html>after a drop</html>")
        if plain == "/loop":
            return self._send(302, b"", {"Location": "/loop"})
        if fixture.bench and "/api/container/getIndex" in plain:   # 微博's post list
            created = time.strftime("%a %b %d %H:%M:%S +0800 %Y", time.gmtime(time.time() + 8 * 3600 - 86400))
            return self._send(200, ('{"data": {"cards": [{"mblog": {"created_at": "%s"}}]}}' % created).encode())
        if fixture.bench and "/x/space/arc/search" in plain:      # 哔哩哔哩's video list
            return self._send(200, b'{"data": {"list": {"vlist": [{"created": %d}]}}}' % (int(time.time()) - 86400))
        if "missing" in path:
            return self._send(404, b"<html>404</html>")
        if fixture.bench and plain.startswith("/bench"):   # the bench's websites (tests/monitoring/bench_pages.py)
            page = fixture.bench_pages.get(plain)
            return self._send(200, page) if page is not None else self._send(404, b"<html>404</html>")
        if fixture.bench and zlib.crc32(path.encode()) % bench_pages.ACCOUNT_ERROR_EVERY == 0:
            return self._send(200, fixture.bench_error_body)   # an account page with a dictionary error
        return self._send(200, fixture.default_body)

    do_HEAD = do_GET

    def do_CONNECT(self):  # noqa: N802 - as a proxy: any host's TLS goes to the valid-certificate listener
        import socket

        fixture: FixtureServer = self.server.fixture
        fixture.tunnels += 1
        upstream = socket.create_connection(("127.0.0.1", fixture.https), timeout=10)
        self.send_response(200, "Connection established")
        self.end_headers()

        def pipe(source, target):
            try:
                while data := source.recv(65536):
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for sock in (source, target):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        other = threading.Thread(target=pipe, args=(upstream, self.connection), daemon=True)
        other.start()
        pipe(self.connection, upstream)
        other.join(10)
        upstream.close()
        self.close_connection = True

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()  # in the connection's thread, never in the accept loop
        super().setup()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False   # kept-alive connections wait for a next request: never join them on close
    request_queue_size = 512
    tls: ssl.SSLContext | None = None

    def get_request(self):
        sock, address = self.socket.accept()
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):  # a client that gives up (a failed TLS check) is normal
        pass


class FixtureServer:
    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or tempfile.mkdtemp(prefix="govmedia-monitor-"))
        self.certs = make_ca_and_certs(self.folder)
        self.pages: dict[str, tuple[int, bytes, dict]] = {}
        self.default_body = b"<html><body>ok</body></html>"
        self.count = 0
        self.tunnels = 0
        self.bench = False
        self.dropped: set[str] = set()
        self.lock = threading.Lock()
        self.active: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.starts: dict[str, list[float]] = {}
        self._servers: list[ThreadingHTTPServer] = []
        self.http = self._listen(None)
        self.https = self._listen(self.certs["valid"])
        self.expired = self._listen(self.certs["expired"])

    def _listen(self, pem: Path | None) -> int:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fixture = self
        if pem is not None:
            server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server.tls.load_cert_chain(pem)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        self._servers.append(server)
        return server.server_address[1]

    def url(self, path: str, scheme: str = "http") -> str:
        port = {"http": self.http, "https": self.https, "expired": self.expired}[scheme]
        return f"{'http' if scheme == 'http' else 'https'}://127.0.0.1:{port}{path}"

    def page(self, path: str, body: str | bytes, status: int = 200, headers: dict | None = None) -> None:
        self.pages[path] = (status, body.encode() if isinstance(body, str) else body, headers or {})

    def reset_gate_records(self) -> None:
        with self.lock:
            self.active.clear()
            self.peak.clear()
            self.starts.clear()

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()


def main():
    """`python -m tests.monitoring.fixture_server --bench`: serve until killed (the bench's fixture
    host, in its own process); prints the ports and the CA file as one JSON line."""
    import argparse
    import json
    import signal
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", action="store_true", help="default page: the bench sites' marks and a post of yesterday")
    args = parser.parse_args()
    server = FixtureServer()
    if args.bench:
        server.bench = True
        server.bench_pages = bench_pages.Pages()
        server.default_body, server.bench_error_body = bench_pages.account_pages(int(time.time()) - 86400)
    print(json.dumps({"http": server.http, "https": server.https, "expired": server.expired,
                      "ca": str(server.certs["ca"])}), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        signal.pause()
    finally:
        server.close()


if __name__ == "__main__":
    main()
