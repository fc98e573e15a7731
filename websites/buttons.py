"""Where each website transition's button posts (or links) to; which buttons a page shows is
the engine's answer (reviews.buttons.render_buttons), never the template's."""
from django.urls import reverse

from reviews.buttons import render_buttons

from .offline import OFFLINE_WORKFLOW, RUN_WORKFLOW
from .workflow import WORKFLOW

# 申请门户网站 / 取消 / 政务服务平台 / 取消 keep their short URLs.
FLAG_URLS = {"request_portal": "portal_on", "cancel_portal": "portal_off",
             "request_service_platform": "service_on", "cancel_service_platform": "service_off"}
FLAG_TRANSITIONS = {v: k for k, v in FLAG_URLS.items()}
OFFLINE_ACTIONS = {"approve_offline", "reject_offline", "emergency_offline", "restore_site"}


def url_for(transition, site) -> str:
    name = transition.name
    if name == "request_change":
        return reverse("websites:site_change")
    if name == "maintain_domains":
        return reverse("websites:site_domains")
    if name in FLAG_URLS:
        return reverse("websites:site_flag", args=[FLAG_URLS[name]])
    if name == "request_offline":
        return reverse("websites:site_offline")
    if name == "complete_offline":
        return reverse("websites:site_complete_offline")
    if name in OFFLINE_ACTIONS:
        return reverse("websites:offline_action", args=[site.pk, name])
    return reverse("websites:review_action", args=[site.pk, name])


def operator_buttons(request, site) -> dict:
    return {
        "main": render_buttons(request, WORKFLOW, site, url_for, names=["request_change", "maintain_domains"])
        + render_buttons(request, OFFLINE_WORKFLOW, site, url_for, explain=["request_offline"])
        + render_buttons(request, RUN_WORKFLOW, site, url_for),
        "flags": render_buttons(request, WORKFLOW, site, url_for, names=FLAG_URLS),
    }


def org_buttons(request, site) -> dict:
    return {
        "review": render_buttons(request, WORKFLOW, site, url_for, names=["reject"]),
        "change": render_buttons(request, WORKFLOW, site, url_for, names=["approve_change", "reject_change"]),
        "offline": render_buttons(request, OFFLINE_WORKFLOW, site, url_for) + render_buttons(request, RUN_WORKFLOW, site, url_for),
    }
