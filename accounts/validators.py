"""Password strength rules, with Chinese messages."""
import re

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least three of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]"]
        if sum(bool(re.search(c, password)) for c in classes) < self.min_classes:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少三类。", code="password_too_simple"
            )

    def get_help_text(self):
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类。"


class NotUsernameValidator:
    """The password must not contain the username (the unit code)."""

    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含用户名。"


class MinimumLengthValidator:
    """At least `min_length` characters (Django 5.2's own message has no Chinese translation)."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码长度太短，至少需要 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError("请输入正确的11位手机号，如18812348822。", code="mobile")


def validate_landline(value: str) -> None:
    if not LANDLINE_RE.match(value or ""):
        raise ValidationError("请输入正确的座机号（区号-号码），如010-35123421。", code="landline")


def validate_phone(value: str) -> None:
    """A mobile (188xxxx8822) or a landline (010-35xxxx21), as the review forms accept."""
    if not (MOBILE_RE.match(value or "") or LANDLINE_RE.match(value or "")):
        raise ValidationError("请输入正确的手机号或座机号，如18812348822或010-35123421。", code="phone")
