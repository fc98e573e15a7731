"""The layout in templates (a builtin library: no {% load %}): addresses worked out once per
process (eleven static files and three fixed pages cost ~0.4 ms a page through {% static %} and
{% url %}), and base.html's head, header and footer drawn in Python (docs/benchmarks.md)."""
from django import template
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from helpcenter.templatetags.helpcenter import help_url, print_filters

from .common.links import fixed_url

register = template.Library()

_ASSETS: dict[str, str] = {}


@register.simple_tag
def asset(path: str) -> str:
    """`{% asset 'css/app.css' %}`: {% static %}'s URL (the manifest's hashed name in production),
    looked up once per path; the manifest does not change while the process runs."""
    url = _ASSETS.get(path)
    if url is None:
        url = _ASSETS[path] = conditional_escape(static(path))
    return url


@register.simple_tag
def page_url(name: str) -> str:
    """`{% page_url 'home' %}`: {% url %} of a page without arguments (govmedia.common.links)."""
    return conditional_escape(fixed_url(name))


# --- the layout's chrome, drawn in Python (base.html) --------------------------------------------
# base.html drew its head, header and footer through ~70 template nodes on every page (~0.2 ms of
# Django's template engine: docs/benchmarks.md, session 20). The same markup is written here.

_STYLES = ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap-icons/bootstrap-icons.min.css",
           "vendor/flatpickr/flatpickr.min.css", "css/app.css")
_SCRIPTS = ("vendor/bootstrap/bootstrap.bundle.min.js", "vendor/flatpickr/flatpickr.min.js", "vendor/flatpickr/zh.js",
            "js/dates.js", "js/preflight.js", "js/app.js")
_STATIC_PARTS: dict[str, str] = {}


@register.simple_tag
def page_head() -> str:
    """The favicon and the style sheets of every page."""
    found = _STATIC_PARTS.get("head")
    if found is None:
        found = _STATIC_PARTS["head"] = mark_safe(  # asset() escaped every URL
            f'<link rel="icon" href="{asset("img/favicon.svg")}" type="image/svg+xml">\n'
            + "\n".join(f'  <link rel="stylesheet" href="{asset(path)}">' for path in _STYLES))
    return found


@register.simple_tag
def page_scripts() -> str:
    """The scripts every page loads (a page's own follow, in its block scripts)."""
    found = _STATIC_PARTS.get("scripts")
    if found is None:
        found = _STATIC_PARTS["scripts"] = mark_safe(  # asset() escaped every URL
            "\n".join(f'<script src="{asset(path)}"></script>' for path in _SCRIPTS))
    return found


@register.simple_tag(takes_context=True)
def page_header(context) -> str:
    """The header bar: the product, the menu (govmedia.context_processors.navigation) and, signed in,
    消息中心 with its unread figure, 帮助, the unit signed in and 退出."""
    user = context.get("user")
    signed_in = ""
    if user is not None and user.is_authenticated:
        unread = _unread_html(context.get("unread_notifications"))
        token = context.get("csrf_token")
        csrf = (f'<input type="hidden" name="csrfmiddlewaretoken" value="{conditional_escape(token)}">'
                if token and token != "NOTPROVIDED" else "")
        signed_in = (
            '\n      <div class="ms-auto d-flex align-items-center gap-3 text-white">\n        '
            f'{unread}\n        <a class="text-white text-decoration-none" href="{conditional_escape(help_url(context))}" data-testid="help-link">'
            '<i class="bi bi-question-circle" aria-hidden="true"></i> 帮助</a>\n        '
            '<span class="current-unit" data-testid="current-unit"><i class="bi bi-building" aria-hidden="true"></i> '
            f'{_signed_in_as(user)}</span>\n        '
            f'<form method="post" action="{page_url("accounts:logout")}" class="m-0">{csrf}\n          '
            '<button type="submit" class="btn btn-sm btn-outline-light">退出</button>\n        </form>\n      </div>\n      ')
    return mark_safe(  # every value escaped above; menu_html is the navigation's escaped markup
        '<header class="app-header navbar navbar-expand-lg navbar-dark">\n  <div class="container-fluid">\n    '
        f'<a class="navbar-brand fw-semibold" href="{page_url("home")}"><i class="bi bi-shield-check" aria-hidden="true"></i> '
        '全国政务新媒体与政府网站报送系统</a>\n    <button class="navbar-toggler" type="button" data-bs-toggle="collapse" '
        'data-bs-target="#mainnav" aria-controls="mainnav" aria-expanded="false" aria-label="展开菜单">\n      '
        '<span class="navbar-toggler-icon"></span>\n    </button>\n    <div class="collapse navbar-collapse" id="mainnav">\n      '
        '<nav aria-label="主菜单">\n        <ul class="navbar-nav me-auto">\n          '
        f'{conditional_escape(context.get("menu_html", ""))}\n        </ul>\n      </nav>\n      {signed_in}\n    </div>\n  </div>\n'
        '</header>')


def _unread_html(unread) -> str:
    """消息中心 and its unread figure (99+ past 99); nothing for a user without notifications."""
    count = unread() if callable(unread) else unread
    if count is None or count == "":
        return ""
    badge = f' <span class="badge rounded-pill text-bg-danger">{"99+" if count > 99 else count}</span>' if count else ""
    return (f'<a class="text-white text-decoration-none" href="{page_url("notifications:center")}" data-testid="unread-count" '
            f'aria-label="消息中心，未读 {conditional_escape(count)} 条"><i class="bi bi-bell" aria-hidden="true"></i>{badge}</a>')


def _signed_in_as(user) -> str:
    return f"{conditional_escape(user.display_name)}（{conditional_escape(user.username)}）"


@register.simple_tag(takes_context=True)
def page_footer(context) -> str:
    """The footer, and the printout's footer: 打印单位, 打印时间 and 筛选条件 (print_filters)."""
    user = context.get("user")
    unit = _signed_in_as(user) if user is not None and user.is_authenticated else "—"
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return mark_safe(  # the unit escaped above, the filters by conditional_escape
        '<footer class="app-footer text-center text-muted small py-3">国务院办公厅 · 全国政务新媒体与政府网站报送系统 · '
        f'<a href="{conditional_escape(help_url(context))}">帮助中心</a></footer>\n'
        f'<div class="print-footer" data-testid="print-footer">打印单位：{unit}　打印时间：{printed}　'
        f'筛选条件：{conditional_escape(print_filters(context))}</div>')
