"""Where each media-account transition's button goes; which buttons show is the engine's
answer (reviews.buttons.render_buttons), never the template's."""
from django.urls import reverse

from reviews.buttons import render_buttons

from .workflow import WORKFLOW

PAGES = {
    "approve_add": "media:review", "approve_modify": "media:review", "approve_close": "media:review",
    "approve_restore": "media:review", "save_draft": "media:edit", "resubmit_add": "media:edit",
    "request_modify": "media:modify", "resubmit_modify": "media:modify", "request_close": "media:close",
    "resubmit_close": "media:close", "request_restore": "media:restore", "resubmit_restore": "media:restore",
    "delete": "media:delete",
}
DETAIL = ["save_draft", "delete_draft", "approve_add", "approve_modify", "approve_close", "approve_restore",
          "request_modify", "request_close", "request_restore", "delete"]
REJECTION = ["resubmit_add", "abandon_add", "resubmit_modify", "abandon_modify", "resubmit_close", "abandon_close",
             "resubmit_restore", "abandon_restore"]


def url_for(transition, account) -> str:
    if transition.name in PAGES:
        return reverse(PAGES[transition.name], args=[account.pk])
    return reverse("media:action", args=[account.pk, transition.name])  # 放弃…申请, 删除 a draft


def detail_buttons(request, account):
    return render_buttons(request, WORKFLOW, account, url_for, names=DETAIL)


def rejection_buttons(request, account):
    return render_buttons(request, WORKFLOW, account, url_for, names=REJECTION)
