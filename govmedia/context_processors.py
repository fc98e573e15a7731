from html import escape

from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from .common.links import fixed_url
from .common.list_parts import page_token
from .navigation import menu_for
from reports.services import menu_state

def _menu_html(items: list[dict]) -> str:
    """The menu's entries as base.html wrote them in a template loop (the same bytes), built once here."""
    out = []
    for item in items:
        active, badge = item["active"], item["badge"]
        css, current = (" active", 'aria-current="page"') if active else ("", "")
        badge_html = (f'<span class="badge rounded-pill text-bg-danger align-self-center" data-testid="menu-unread" '
                      f'aria-label="未读通知 {badge} 份">{badge}</span>') if badge else ""
        out.append(f'\n          <li class="nav-item"><a class="nav-link{css}" {current} href="{escape(item["url"])}">'
                   f'{escape(str(item["label"]))}</a>{badge_html}</li>\n          ')
    return "".join(out)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    items, unread = [], 0
    for item in menu_for(user):
        active = current == item.url_name or current.startswith(item.section + "_") or current.startswith(
            item.section + ":"
        )
        label, badge = item.label, 0
        if item.url_name == "notices:list":
            label, badge = menu_state(user)  # the menu follows the latest notice; the unread count beside it
            unread = badge
        items.append({"label": label, "url_name": item.url_name, "url": fixed_url(item.url_name), "active": active,
                      "badge": badge})
    # {% csrf_token %} (退出 in the header, the page's own forms) with the token a list page's forms
    # carry: masked once per request, not once per reader.
    return {"menu": items, "menu_html": mark_safe(_menu_html(items)), "unread_notices": unread,
            "csrf_token": SimpleLazyObject(lambda: page_token(request))}
