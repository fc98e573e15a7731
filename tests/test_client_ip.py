"""The one reader of the client's address (govmedia/common/client_ip.py)."""
import pytest
from django.test import RequestFactory, override_settings

from govmedia.common.client_ip import client_ip


def request(remote="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize("count, remote, forwarded, expected", [
    (0, "198.51.100.23", "203.0.113.9", "198.51.100.23"),      # no proxy: a forged header is ignored
    (1, "10.0.0.5", "203.0.113.9", "203.0.113.9"),             # one proxy appended what it saw
    (1, "10.0.0.5", "6.6.6.6, 203.0.113.9", "203.0.113.9"),    # the client's own value is never trusted
    (2, "10.0.0.6", "6.6.6.6, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
    (2, "10.0.0.6", "203.0.113.9", "10.0.0.6"),                # header shorter than the count: REMOTE_ADDR
    (1, "10.0.0.5", "not-an-address", "10.0.0.5"),
    (1, "10.0.0.5", None, "10.0.0.5"),
    (1, "10.0.0.5", " 2001:db8::1 ", "2001:db8::1"),
])
def test_proxy_count_decides_which_hop_counts(count, remote, forwarded, expected):
    with override_settings(PROXY_COUNT=count):
        assert client_ip(request(remote, forwarded)) == expected


def test_axes_reads_the_same_address():
    from axes.helpers import get_client_ip_address

    with override_settings(PROXY_COUNT=1):
        assert get_client_ip_address(request("10.0.0.5", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"
