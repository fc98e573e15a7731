from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from govmedia.common import gm

from govmedia.roles import OpsRole, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.update(kind=User.Kind.OPS, is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Org units and filer units log in with their code as username."""

    class Kind(models.TextChoices):
        ORG = "org", "组织单位"
        FILER = "filer", "填报单位"
        SITE = "site", "网站"
        OPS = "ops", "运维人员"

    username = models.CharField("用户名", max_length=30, unique=True)
    kind = models.CharField("用户类别", max_length=10, choices=Kind.choices)
    org_unit = models.ForeignKey(
        "orgtree.OrgUnit", verbose_name="组织单位", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    filer_unit = models.OneToOneField(
        "orgtree.FilerUnit", verbose_name="填报单位", null=True, blank=True, on_delete=models.PROTECT, related_name="user"
    )
    # The initial (or reset) password, SM4-GCM encrypted (accounts.crypto), readable by the supervising org units
    # until the filer unit changes it (密码保护机制); wiped at the change.
    initial_password_encrypted = models.TextField("初始密码（加密）", blank=True, editable=False)
    is_active = models.BooleanField("有效", default=True)
    is_staff = models.BooleanField("可登录管理后台", default=False)
    date_joined = models.DateTimeField("创建时间", default=timezone.now)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    preferences = gm.EncryptedContactsJSONField("个人设置", default=dict, blank=True)  # the reviewer phone remembered
    # 三员分立 (accounts/ops_roles.py): one role per ops login, so the three are mutually exclusive.
    ops_role = models.CharField("运维角色", max_length=10, choices=OpsRole.choices, blank=True, default="",
                                db_default="")  # rows COPYed in bulk (generate_scale_data) get "" too

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.UniqueConstraint(Upper("username"), name="user_username_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="org") | models.Q(org_unit__isnull=False), name="org_user_has_org_unit"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="filer") | models.Q(filer_unit__isnull=False), name="filer_user_has_filer_unit"
            ),
            models.CheckConstraint(condition=models.Q(ops_role="") | models.Q(kind="ops"), name="ops_role_only_for_ops"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）"

    @property
    def role(self) -> Role | None:
        if self.kind == self.Kind.ORG and self.org_unit_id:
            level = self.org_unit.level
            return Role.GB if level == 0 else Role.L1 if level == 1 else Role.ORG
        if self.kind == self.Kind.FILER:
            return Role.FILER
        if self.kind == self.Kind.SITE:
            return Role.SITE
        if self.kind == self.Kind.OPS:
            return Role.OPS
        return None

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.ORG and self.org_unit_id:
            return self.org_unit.name
        if self.kind == self.Kind.FILER and self.filer_unit_id:
            return self.filer_unit.name
        if self.kind == self.Kind.SITE:
            site = getattr(self, "website", None) if self.pk else None
            return site.name if site else self.username
        return self.username

    def can_log_in(self) -> bool:
        """Whether the unit behind this login may still log in (an org unit switched off may not)."""
        if self.kind == self.Kind.ORG:
            return self.org_unit_id is not None and self.org_unit.is_active
        if self.kind == self.Kind.FILER:
            return self.filer_unit_id is not None and self.filer_unit.is_active
        if self.kind == self.Kind.SITE:
            site = getattr(self, "website", None) if self.pk else None  # websites registers the relation
            return site is None or site.operator_may_log_in
        return True

    def pending_gate(self) -> str | None:
        """The URL name a user must visit before anything else, if any (forced flows)."""
        if self.must_change_password:
            return "accounts:password_change"
        if self.kind == self.Kind.FILER and self.filer_unit_id and not self.filer_unit.info_complete:
            return "accounts:filer_info"
        return None

    def get_absolute_url(self):
        return reverse("home")


gm.register_column("accounts.user", "initial_password_encrypted", legacy="accounts.crypto.plain_of_legacy")


class SmsCodeQuerySet(models.QuerySet):
    def for_mobile(self, mobile: str):
        """The codes of `mobile`, by its HMAC-SM3 digest (the number itself is stored encrypted)."""
        return self.filter(mobile_digest=SmsCode.digest_of(mobile))


class SmsCode(models.Model):
    """One SMS verification code; only its keyed hash is stored. The number is encrypted at rest
    (SM4-GCM, decision 0052) and looked up by its HMAC-SM3 digest."""

    mobile = gm.EncryptedCharField("手机号", max_length=11)
    mobile_digest = models.CharField("手机号摘要", max_length=64, default="", editable=False)
    purpose = models.CharField("用途", max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = SmsCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["mobile_digest", "purpose", "-created_at"], name="smscode_digest_lookup")]

    def save(self, *args, **kwargs):
        self.mobile_digest = self.digest_of(self.mobile)
        if kwargs.get("update_fields") is not None and "mobile" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "mobile_digest"}
        super().save(*args, **kwargs)

    @staticmethod
    def digest_of(mobile: str) -> str:
        return gm.lookup_digest(mobile or "", "sms mobile")


class UserSession(models.Model):
    """One signed-in session of a login (accounts/session_policy.py): the concurrent-session limit,
    上次登录时间/地址, and telling a user why a session ended."""

    class Ended(models.TextChoices):
        LOGOUT = "logout", "已退出"
        IDLE = "idle", "超时未操作"
        ABSOLUTE = "absolute", "登录时间过长"
        REPLACED = "replaced", "账号在其他地方登录"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions_held")
    session_key = models.CharField(max_length=40, db_index=True)
    ip_address = models.GenericIPAddressField("登录地址", null=True, blank=True)
    started_at = models.DateTimeField("登录时间", default=timezone.now)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    ended = models.CharField("结束原因", max_length=10, choices=Ended.choices, blank=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
        indexes = [models.Index(fields=["user", "-started_at"], name="usersession_user")]


class PasswordHistory(models.Model):
    """The hashes of a login's previous passwords (the last PASSWORD_HISTORY are refused)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        indexes = [models.Index(fields=["user", "-changed_at"], name="passwordhistory_user")]
