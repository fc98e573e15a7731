"""A monitoring finding on your object (消息中心 kind "finding"): the receiver of `finding_opened`.

The owner — the filer unit of an account, the filer unit a website names as its 主办单位 (else
the org unit itself) — is told once per finding, and so is the website's operator login."""
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from notifications.services import notify, notify_units

from .selectors import owner_of
from .signals import finding_opened


def _link(finding, owner_kind: str) -> str:
    if finding.account_id:
        return reverse("media:detail", args=[finding.account_id])
    if owner_kind == "org":
        return reverse("websites:review_detail", args=[finding.website_id])
    return reverse("checks:home")  # a filer unit has no website pages: its 检查结果信息表 takes the finding


@receiver(finding_opened, dispatch_uid="monitoring.notify_owner")
def notify_owner(sender, finding, **kwargs) -> int:
    kind, pk = owner_of(finding)
    title = f"监测发现问题：{finding.subject_name}"
    body = finding.message(timezone.localdate())
    key = f"finding:{finding.pk}"
    orgs, filers = ([pk], []) if kind == "org" else ([], [pk])
    sent = notify_units(orgs, filers, "finding", title, body, _link(finding, kind), key) if pk else 0
    site = finding.website
    if site is not None and site.operator_user_id:
        sent += notify([site.operator_user], "finding", title, body, reverse("websites:site_home"), dedupe_key=key)
    return sent
