"""Response headers of issue 19: nothing personal is kept by a browser or proxy cache."""
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page of a signed-in user, every export (attachment)
    and every JSON answer: they carry personal data (names, mobiles, initial passwords)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        content_type = response.get("Content-Type", "")
        attachment = "attachment" in response.get("Content-Disposition", "")
        if signed_in or attachment or content_type.startswith("application/json"):
            patch_cache_control(response, no_store=True, private=True)
        return response
