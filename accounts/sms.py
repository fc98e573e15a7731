"""SMS verification (手机验证码).

Backends work like Django's email backends: `settings.SMS_BACKEND` names a class with
`send(mobile: str, message: str) -> None`. Shipped:

- `ConsoleBackend` (default): writes the message to the log (stderr) — development and demo.
- `LocmemBackend`: keeps messages in `accounts.sms.outbox` — the test suite.

A real gateway is a subclass of `BaseBackend` whose `send` calls the provider's API and raises
`SmsSendError` on failure; point `SMS_BACKEND` at it. Codes are never stored in plain text.
"""
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("govmedia.sms")


class SmsSendError(Exception):
    pass


@dataclass
class SmsMessage:
    mobile: str
    message: str


outbox: list[SmsMessage] = []


class BaseBackend:
    def send(self, mobile: str, message: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, mobile: str, message: str) -> None:
        logger.warning("SMS to %s: %s", mobile, message)


class LocmemBackend(BaseBackend):
    def send(self, mobile: str, message: str) -> None:
        outbox.append(SmsMessage(mobile, message))


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(mobile: str, message: str) -> None:
    get_backend().send(mobile, message)
