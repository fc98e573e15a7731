"""Response headers of issue 19: nothing personal is kept by a browser or proxy cache."""
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page of a signed-in user, every export (attachment)
    and every JSON answer: they carry personal data (names, mobiles, initial passwords).

    A public endpoint that declares itself cacheable (`Cache-Control: public`: the API, the open
    data, the badge's QR code) keeps its header for an anonymous request that sets no cookie: it
    carries only the public fields of decision 0020, the same for everyone (issue 29). Signed in,
    everything stays no-store (issue 19)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if not signed_in and _declared_public(response):
            return response
        content_type = response.get("Content-Type", "")
        attachment = "attachment" in response.get("Content-Disposition", "")
        if signed_in or attachment or content_type.startswith("application/json"):
            patch_cache_control(response, no_store=True, private=True)
        return response


def _declared_public(response) -> bool:
    directives = {part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")}
    return "public" in directives and not response.cookies
