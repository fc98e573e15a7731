"""SMS verification (手机验证码).

Backends work like Django's email backends: `settings.SMS_BACKEND` names a class with
`send(mobile: str, message: str) -> None`. Shipped:

- `ConsoleBackend` (default): writes the message to the log (stderr) — development and demo.
- `LocmemBackend`: keeps messages in `accounts.sms.outbox` — the test suite.
- `FileBackend`: appends one JSON line per message to `settings.SMS_FILE_PATH` — test runs with
  several server processes (tests/prod, `make prod-check`), which read the codes back.

With DEBUG off the console backend is refused, and so are the two test outboxes unless
SMS_ALLOW_TEST_BACKEND=1 (govmedia.ops.checks).

A real gateway is a subclass of `BaseBackend` whose `send` calls the provider's API and raises
`SmsSendError` on failure; point `SMS_BACKEND` at it. Codes are never stored in plain text.
"""
import fcntl
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
import json

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


class FileBackend(BaseBackend):
    def send(self, mobile: str, message: str) -> None:
        with open(settings.SMS_FILE_PATH, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(json.dumps({"mobile": mobile, "message": message}, ensure_ascii=False) + "\n")


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(mobile: str, message: str) -> None:
    get_backend().send(mobile, message)
