"""No fetch reaches inside (issue 27 item 5, decision 0043): a loopback listener counts every TCP
connection that arrives; URLs naming inside addresses, redirects to them, names resolving to them
and a DNS answer that changes at connect time reach it 0 times. Nothing here leaves the machine:
where an address cannot be bound locally (169.254.169.254, 10.x, public addresses), a "router"
stands in for the network and delivers every connection the guard lets through to the listener,
so the control (an allowed address) proves the route works."""
import socket
import threading

import pytest

from govmedia.fetch import addresses
from govmedia.fetch.addresses import Refused, check_url, url_warning
from monitoring.checks import check_account, check_website
from govmedia.fetch.fetchers import HttpxFetcher
from monitoring.models import Kind

PUBLIC = "93.184.216.34"   # a global address, never actually reached (the router delivers it locally)


class Listener:
    """A TCP listener on 127.0.0.1 (port 0): counts connections, answers each with a tiny page or,
    with `location`, a redirect."""

    def __init__(self, host="127.0.0.1", location=""):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.host, self.port = host, self.sock.getsockname()[1]
        self.location = location
        self.connections = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            try:
                conn.settimeout(2)
                conn.recv(65536)
                if self.location:
                    conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {self.location}\r\nContent-Length: 0\r\n"
                                 "Connection: close\r\n\r\n".encode())
                else:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\ninside")
            except OSError:
                pass
            finally:
                conn.close()

    def close(self):
        self.sock.close()


@pytest.fixture
def guarded(settings):
    settings.MONITORING_ALLOWED_NETWORKS = []
    settings.MONITORING_TIMEOUT = 2.0
    settings.MONITORING_POLITENESS_DELAY = 0.0
    settings.MONITORING_PROXY = ""
    settings.MONITORING_HOST_GATE, settings.REDIS_URL = "local", ""
    settings.MONITORING_CHECKS = {}
    settings.MONITORING_ENABLED = True


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def router(monkeypatch, listener):
    """Every connection the guard lets through goes to the listener, whatever its address."""
    seen = []

    def deliver(family, sockaddr, timeout):
        seen.append(sockaddr[0])
        return socket.create_connection(("127.0.0.1", listener.port), timeout=timeout)

    monkeypatch.setattr(addresses, "open_socket", deliver)
    return seen


@pytest.fixture
def resolver(monkeypatch):
    """Names answered from a table (the real resolver for anything else)."""
    table: dict[str, list[str]] = {}
    real = addresses.getaddrinfo

    def answer(host, port):
        if host not in table:
            return real(host, port)
        return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (ip, port) if ":" not in ip else (ip, port, 0, 0)) for ip in table[host]]

    monkeypatch.setattr(addresses, "getaddrinfo", answer)
    return table


@pytest.fixture
def fetcher(guarded):
    f = HttpxFetcher()
    yield f
    f.close()


def test_the_route_works_for_an_allowed_address(fetcher, listener, router):
    """The control: a public address is let through and arrives (so 0 below means refused)."""
    page = fetcher.get(f"http://{PUBLIC}:{listener.port}/")
    assert page.ok and page.text == "inside" and listener.connections == 1 and router == [PUBLIC]


@pytest.mark.parametrize("url, kind", [
    ("http://127.0.0.1:{port}/", "回环地址"),
    ("http://127.9.9.9:{port}/", "回环地址"),
    ("http://169.254.169.254/latest/meta-data/", "链路本地地址"),
    ("http://10.1.2.3:{port}/", "内网地址"),
    ("http://172.16.0.1/", "内网地址"),
    ("http://192.168.1.1/", "内网地址"),
    ("http://100.64.0.1/", "内网地址"),
    ("http://0.0.0.0:{port}/", "未指定地址"),
    ("http://224.0.0.1/", "组播地址"),
    ("http://240.0.0.1/", "保留地址"),
    ("http://[::1]:{port}/", "回环地址"),
    ("http://[::ffff:127.0.0.1]:{port}/", "回环地址"),
    ("http://[::ffff:a9fe:a9fe]/", "链路本地地址"),
    ("http://[fe80::1]/", "链路本地地址"),
    ("http://[fd00::1]/", "内网地址"),
    ("http://[64:ff9b::7f00:1]:{port}/", "回环地址"),
    ("http://[2002:7f00:1::]/", "回环地址"),
    ("http://[ff02::1]/", "组播地址"),
])
def test_inside_addresses_never_reach_the_listener(fetcher, listener, router, url, kind):
    page = fetcher.get(url.format(port=listener.port))
    assert page.ok is None and page.refused and page.status is None
    assert page.error.startswith(f"不允许访问{kind}")
    assert listener.connections == 0 and router == []


def test_names_resolving_inside_never_reach_the_listener(fetcher, listener, router, resolver):
    resolver["portal.example.gov.cn"] = ["127.0.0.1"]
    resolver["mixed.example.gov.cn"] = [PUBLIC, "10.0.0.8"]    # one inside answer is enough to refuse
    for url in (f"http://localhost:{listener.port}/", f"http://portal.example.gov.cn:{listener.port}/",
                f"http://mixed.example.gov.cn:{listener.port}/"):
        page = fetcher.get(url)
        assert page.refused and "域名" in page.error, url
    # the name's inside address is not told (it would map the inside)
    assert "10.0.0.8" not in fetcher.get(f"http://mixed.example.gov.cn:{listener.port}/").error
    assert listener.connections == 0 and router == []


def test_a_redirect_to_an_inside_address_is_not_followed(settings, listener, resolver):
    """The first hop is allowed (127.0.0.2, on the allow-list as an intranet portal would be); its
    redirects to 127.0.0.1, to localhost and to a name resolving to loopback reach nothing."""
    settings.MONITORING_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.MONITORING_TIMEOUT, settings.MONITORING_POLITENESS_DELAY = 2.0, 0.0
    settings.MONITORING_HOST_GATE, settings.REDIS_URL, settings.MONITORING_PROXY = "local", "", ""
    resolver["rebound.example.gov.cn"] = ["127.0.0.1"]
    for target in (f"http://127.0.0.1:{listener.port}/", f"http://localhost:{listener.port}/",
                   f"http://rebound.example.gov.cn:{listener.port}/", f"http://[::ffff:127.0.0.1]:{listener.port}/"):
        redirector = Listener("127.0.0.2", location=target)
        f = HttpxFetcher()
        try:
            page = f.get(f"http://127.0.0.2:{redirector.port}/start")
        finally:
            f.close()
            redirector.close()
        assert redirector.connections == 1 and page.refused and page.ok is None, target
    assert listener.connections == 0


def test_dns_rebinding_is_caught_at_connect_time(fetcher, listener, router, resolver):
    """The name resolves outside when first checked (the form, a proxy's pre-check) and inside when
    the connection is made: the connection is refused, the address checked is the one used."""
    resolver["rebind.example.gov.cn"] = [PUBLIC]
    url = f"http://rebind.example.gov.cn:{listener.port}/"
    check_url(url)                                    # passes: outside
    resolver["rebind.example.gov.cn"] = ["127.0.0.1"]
    page = fetcher.get(url)
    assert page.refused and listener.connections == 0 and router == []


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1:70/", "dict://127.0.0.1:11211/"])
def test_other_schemes_are_refused(fetcher, listener, router, url):
    page = fetcher.get(url)
    assert page.refused and "仅监测 http/https 链接" in page.error and listener.connections == 0


def test_the_certificate_check_is_guarded_too(fetcher, listener, router, resolver):
    resolver["tls.example.gov.cn"] = ["127.0.0.1"]
    for host in ("127.0.0.1", "tls.example.gov.cn", "::1"):
        cert = fetcher.certificate(host, listener.port)
        assert cert.refused and cert.not_after is None, host
    assert listener.connections == 0


def test_checks_record_a_refused_url_as_not_checked(fetcher, listener, router):
    """A filer unit's 移动客户端 at 127.0.0.1 (the issue's reproduction): 未检查, no status, no time,
    never a finding; the homepage and 栏目 likewise."""
    app = check_account({"id": 1, "account_type": "KH", "url": f"http://127.0.0.1:{listener.port}/app-kh?id=1",
                         "platform_id": ""}, fetcher, None)
    assert [(o.kind, o.ok, o.status_code) for o in app] == [(Kind.APP_DOWNLOAD, None, None)]
    assert app[0].detail.startswith("下载链接未检查：不允许访问回环地址") and "毫秒" not in app[0].detail
    site = {"id": 1, "homepage": f"http://10.0.0.1:{listener.port}/", "icp_number": "", "police_record": "",
            "columns": {"政策文件": {"urls": f"http://127.0.0.1:{listener.port}/zcwj/"}}}
    outcomes = {o.kind: o for o in check_website(site, fetcher, None)}
    assert outcomes[Kind.HOMEPAGE].ok is None and outcomes[Kind.COLUMNS].ok is None
    assert listener.connections == 0


def test_the_allow_list_opens_a_chosen_network_only(settings, listener):
    settings.MONITORING_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert addresses.refusal("127.0.0.1") == "" and addresses.refusal("127.0.0.2").startswith("不允许访问回环地址")
    assert addresses.refusal("::ffff:127.0.0.1") == ""       # the mapped form of an allowed address
    assert addresses.refusal("10.0.0.1") and addresses.refusal("::1")
    settings.MONITORING_ALLOWED_NETWORKS = "10.20.0.0/16, 127.0.0.1/32"   # as the environment gives it
    assert addresses.refusal("10.20.3.4") == "" and addresses.refusal("10.21.0.1")


def test_the_forms_warning_needs_no_dns():
    assert url_warning("http://127.0.0.1:8080/app").startswith("该地址指向内部网络或不是网页地址")
    assert "回环地址" in url_warning("localhost:8000/x") and "链路本地地址" in url_warning("169.254.169.254")
    assert "仅监测 http/https" in url_warning("ftp://files.example.gov.cn/")
    assert url_warning("http://www.gov.cn/") == "" and url_warning("") == ""
    assert url_warning("https://nonexistent.invalid/") == ""   # not resolved in a request
    with pytest.raises(Refused):
        check_url("http://[::1]/", lookup=False)


def test_the_add_form_warns_and_saves(client, chain):
    """A filer unit files a 移动客户端 at 127.0.0.1 (the issue's reproduction): saved as asked, with a
    提示 that monitoring will not fetch it; a public address gets no such 提示."""
    from django.urls import reverse

    from accounts_media.models import MediaAccount
    from tests.accounts_media.conftest import account_data

    client.force_login(chain["shangzhuang"])
    data = {k: v for k, v in account_data(account_type="KH", wechat_kind="", name="上庄客户端",
                                          url="http://127.0.0.1:8123/app-kh?id=7").items() if v not in (False, "")}
    data["represents_government"] = "0"
    response = client.post(reverse("media:add"), {**data, "save_draft": "1"}, follow=True)
    page = response.content.decode()
    assert MediaAccount.objects.filter(name="上庄客户端").exists(), response.context["form"].errors
    assert "自动监测不会访问：不允许访问回环地址（127.0.0.1）" in page
    data["url"], data["name"] = "https://app.example.gov.cn/download?id=8", "上庄客户端二"
    page = client.post(reverse("media:add"), {**data, "save_draft": "1"}, follow=True).content.decode()
    assert MediaAccount.objects.filter(name="上庄客户端二").exists() and "自动监测不会访问" not in page
