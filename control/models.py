"""Proof of control (issue 28, docs/decisions/0058).

One `Proof` per registered object (a media account or a website) for its current link: the
challenge code is an HMAC of (object, link, nonce) — never stored, derived when shown or checked
(control/codes.py) — so a changed link or a new nonce is a new code. `state` is what the registry
says publicly (未验证 / 已验证 / 无法自动验证 / 已过期); `attestation` is the manual path's own
state, moved only through the engine table in control/workflow.py.

`PortalRead` / `PortalItem`: what a website's /.well-known/govmedia-accounts.json said the last
time it was read, and the disagreements with the registry (待核查 until handled).
"""
from django.db import models

MEDIA = "media_account"
WEBSITE = "website"
SUBJECTS = {MEDIA: "新媒体账号", WEBSITE: "政府网站"}


class State(models.TextChoices):
    UNVERIFIED = "unverified", "未验证"
    VERIFIED = "verified", "已验证"
    MANUAL = "manual", "无法自动验证"
    EXPIRED = "expired", "已过期"


class Method(models.TextChoices):
    BIO = "bio", "账号简介或置顶内容"
    META = "meta", "首页meta标签"
    FILE = "file", "网站验证文件"
    DNS = "dns", "DNS TXT记录"
    MANUAL = "manual", "人工核验（截图）"


class Attestation(models.TextChoices):
    NONE = "", "未提交"
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"


class Proof(models.Model):
    subject_type = models.CharField("对象类型", max_length=20, choices=list(SUBJECTS.items()))
    subject_id = models.PositiveBigIntegerField("对象")
    subject_label = models.CharField("对象名称", max_length=200, blank=True)
    org_path = models.CharField("组织路径", max_length=200, db_index=True)
    link = models.CharField("验证的链接", max_length=1000)
    nonce = models.CharField(max_length=32, editable=False)
    state = models.CharField("控制权验证", max_length=12, choices=State.choices, default=State.UNVERIFIED)
    method = models.CharField("验证方式", max_length=10, choices=Method.choices, blank=True)
    verified_at = models.DateTimeField("验证时间", null=True, blank=True)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True, db_index=True)
    checked_at = models.DateTimeField("最近检查时间", null=True, blank=True)
    check_note = models.CharField("最近检查结果", max_length=300, blank=True)
    attestation = models.CharField("人工核验", max_length=10, choices=Attestation.choices, blank=True, default="")
    screenshot = models.FileField("截图", upload_to="control/", blank=True, max_length=300)
    attestation_note = models.CharField("审核意见", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "控制权验证"
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id"], name="control_proof_subject")]
        indexes = [models.Index(fields=["subject_type", "state"], name="control_proof_state")]

    def __str__(self) -> str:
        return f"{SUBJECTS.get(self.subject_type, '')} {self.subject_label} 的控制权验证"

    @property
    def is_live(self) -> bool:
        return True


class PortalRead(models.Model):
    """The last reading of one website's account list (one row per site, overwritten)."""

    class Outcome(models.TextChoices):
        OK = "ok", "已读取"
        ABSENT = "absent", "未公布"
        MALFORMED = "malformed", "格式错误"
        UNREACHABLE = "unreachable", "无法读取"

    website = models.OneToOneField("websites.Website", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField("读取时间")
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices)
    message = models.CharField("说明", max_length=500, blank=True)
    listed = models.PositiveIntegerField("列出账号数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "门户公布的账号清单"


class PortalItem(models.Model):
    """A disagreement between a portal's list and the registry (待核查 while open)."""

    class Kind(models.TextChoices):
        UNREGISTERED = "unregistered", "门户列出但未登记"
        UNLISTED = "unlisted", "已登记但门户未列出"

    website = models.ForeignKey("websites.Website", on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField("组织路径", max_length=200, db_index=True)
    kind = models.CharField("类型", max_length=14, choices=Kind.choices)
    key = models.CharField("账号标识", max_length=1100)            # the normalised link (or platform id)
    name = models.CharField("账号名称", max_length=200, blank=True)
    url = models.CharField("链接", max_length=1000, blank=True)
    account = models.ForeignKey("accounts_media.MediaAccount", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    opened_at = models.DateTimeField("发现时间")
    closed_at = models.DateTimeField("已处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "门户账号清单核查"
        constraints = [models.UniqueConstraint(fields=["website", "kind", "key"], condition=models.Q(closed_at__isnull=True),
                                               name="control_portal_item_open")]
