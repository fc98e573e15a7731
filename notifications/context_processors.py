from .services import unread_count


def unread(request):
    """The header's 消息中心 figure, computed only when a page shows it (shared cache, else one count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role is None or user.kind == "ops":
        return {}
    return {"unread_notifications": lambda: unread_count(user)}
