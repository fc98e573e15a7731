from .navigation import menu_for
from reports.services import menu_state


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
        items.append({"label": label, "url_name": item.url_name, "active": active, "badge": badge})
    return {"menu": items, "unread_notices": unread}
