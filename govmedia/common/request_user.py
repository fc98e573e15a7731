"""The request's user without its lazy wrappers."""
from django.utils.functional import LazyObject, empty


def plain_user(request):
    """request.user without its lazy wrappers (the authentication's, and django-otp's around it):
    a page's row checks read it hundreds of times, each read through both proxies."""
    user = request.user
    for _ in range(3):
        if not isinstance(user, LazyObject):
            break
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user
