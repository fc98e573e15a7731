"""The DNS TXT lookup of a website's proof, behind a small interface the tests stub
(CONTROL_DNS_RESOLVER, a dotted path to a class with `txt(name) -> list[str]`).

A TXT query goes to the resolvers the server is configured with, never to the site itself, so
the fetcher's address guard does not apply; a failed lookup is "no record", never an error page.
"""
from django.conf import settings
from django.utils.module_loading import import_string

RECORD_PREFIX = "govmedia-verification="


class Resolver:
    def txt(self, name: str) -> list[str]:  # pragma: no cover - interface
        raise NotImplementedError


class DnspythonResolver(Resolver):
    timeout = 5.0

    def txt(self, name: str) -> list[str]:
        import dns.resolver  # start-up cost: dnspython takes ~35 ms to import (it brings dns.exception); only a DNS proof

        try:
            answer = dns.resolver.resolve(name, "TXT", lifetime=self.timeout)
        except (dns.exception.DNSException, OSError):
            return []
        return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


def make_resolver() -> Resolver:
    return import_string(getattr(settings, "CONTROL_DNS_RESOLVER", "control.dns.DnspythonResolver"))()
