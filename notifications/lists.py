"""消息中心 on the shared list machinery (govmedia/common/lists.py): filters by 类型, 日期 and
已读/未读, the 全部 / 未读 tabs, paging, the column chooser; cards on a phone like every list.
Delivery details (短信 / 电子邮件) show only when something failed."""
import django_filters
from django import forms
from django.middleware.csrf import get_token
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from govmedia.common.filtersets import ListFilterSet
from govmedia.common.lists import Column, ListSpec, register

from .kinds import KINDS
from .models import Delivery

DATE = forms.DateInput(attrs={"type": "date"})


class NotificationFilter(ListFilterSet):
    kind = django_filters.ChoiceFilter(label="类型", choices=[(k.key, k.label) for k in KINDS.values()],
                                       empty_label="全部")
    date_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="日期从", widget=DATE)
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="至", widget=DATE)
    read = django_filters.ChoiceFilter(label="状态", choices=[("unread", "未读"), ("read", "已读")], empty_label="全部",
                                       method="filter_read")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def filter_read(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "unread")


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def failures(n) -> str:
    """发送情况: only what failed (a delivery that went, or was never asked for, says nothing)."""
    parts = []
    if n.sms_state == Delivery.FAILED:
        parts.append("短信发送失败")
    if n.email_state == Delivery.FAILED:
        parts.append("电子邮件发送失败")
    return "；".join(parts)


def _title_html(request):
    token = get_token(request)

    def html(n):
        count = format_html(' <span class="badge text-bg-secondary" data-testid="digest-count">{} 条</span>', n.count) \
            if n.count > 1 else ""
        if n.link:
            head = format_html('<form method="post" action="{}" class="m-0"><input type="hidden" name="csrfmiddlewaretoken" '
                               'value="{}"><button class="btn btn-link p-0 text-start fw-semibold">{}</button>{}</form>',
                               reverse("notifications:open", args=[n.pk]), token, n.title, count)
        else:
            head = format_html('<div class="fw-semibold">{}{}</div>', n.title, count)
        body = format_html('<div class="small notification-body">{}</div>', linebreaksbr(n.body)) if n.body and n.body != n.title else ""
        return format_html("{}{}", head, body)
    return html


def _actions(n, request) -> str:
    if n.read_at:
        return ""
    return format_html('<form method="post" action="{}" class="m-0"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                       '<input type="hidden" name="ids" value="{}"><input type="hidden" name="next" value="{}">'
                       '<button class="btn btn-link btn-sm p-0">标为已读</button></form>',
                       reverse("notifications:read"), get_token(request), n.pk, request.get_full_path())


def prepare_page(rows, request):
    html = _title_html(request)
    for n in rows:
        n.title_html = html(n)


NOTIFICATION_LIST = register(ListSpec(
    name="notifications",
    filterset_class=NotificationFilter,
    default_ordering=("-created_at", "-id"),
    export_filename="消息中心.xlsx",
    export_sheet="消息中心",
    prepare_page=prepare_page,
    actions=_actions,
    row_class=lambda n: "" if n.read_at else "table-warning",
    columns=[
        Column("created_at", "时间", lambda n: _local(n.created_at), sort="created_at", choosable=False),
        Column("kind", "类型", lambda n: n.kind_label, sort="kind"),
        Column("title", "消息", lambda n: n.title, html=lambda n: n.title_html, choosable=False),
        Column("read", "状态", lambda n: "已读" if n.read_at else "未读"),
        Column("failures", "发送情况", failures),
    ],
))
