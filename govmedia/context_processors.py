from accounts.roles import Role

from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    items = []
    for item in menu_for(user.role):
        active = current == item.url_name or current.startswith(item.section + "_") or current.startswith(
            item.section + ":"
        )
        label = item.label
        if item.url_name == "notices:list" and user.role == Role.L1:
            from reports.services import menu_label_for

            label = menu_label_for(user)  # the menu follows the latest notice sent to the unit
        items.append({"label": label, "url_name": item.url_name, "active": active})
    return {"menu": items}
