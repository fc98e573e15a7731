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
        items.append({"label": item.label, "url_name": item.url_name, "active": active})
    return {"menu": items}
