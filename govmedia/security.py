"""Response headers: nothing personal is kept by a browser or proxy cache (issue 19); the content
security policy, built once."""
from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
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


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware with the policy string built once per settings object. Our settings
    declare one policy (no nonce, no view changes it): django-csp built it twice on every response
    (the policy and the report-only one, through `dataclasses.asdict`), ~60 µs of every page
    (docs/benchmarks.md, session 20). A response with a policy of its own (`@csp_update` and the
    like) or a request whose nonce was read is left to django-csp, as is the DEBUG error page."""

    _built: tuple = (None, None, None)  # (CONTENT_SECURITY_POLICY, …_REPORT_ONLY, their headers)

    def process_response(self, request, response):
        if (getattr(request, "_csp_nonce", None) is not None or settings.DEBUG
                or any(hasattr(response, name) for name in _PER_RESPONSE)):
            return super().process_response(request, response)
        for header, value, exempt, prefixes in self._headers():
            if value and header not in response and not getattr(response, exempt, False) \
                    and not request.path_info.startswith(prefixes):
                response[header] = value
        if getattr(request, "_csp_nonce", None) is None:  # as django-csp: a nonce read after this fails loudly
            request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _headers(self) -> tuple:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = CSPMiddleware._built
        if built[0] is not policy or built[1] is not report_only:
            headers = tuple(
                (header, build_policy(report_only=ro), exempt, tuple((config or {}).get("EXCLUDE_URL_PREFIXES") or ()))
                for header, ro, exempt, config in ((HEADER, False, "_csp_exempt", policy),
                                                   (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", report_only)))
            built = CSPMiddleware._built = (policy, report_only, headers)
        return built[2]


# What a view's decorator sets on its response to change the policy (csp.decorators).
_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
