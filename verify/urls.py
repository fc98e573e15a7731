from django.middleware.http import ConditionalGetMiddleware
from django.urls import URLPattern, URLResolver, include, path
from django.utils.cache import patch_cache_control
from django.utils.decorators import decorator_from_middleware

from govmedia.roles import PUBLIC
from govmedia.access import ACCESS_KWARG, route

from . import feeds, views
from .api import api, rate_limit_headers

app_name = "verify"

urlpatterns = [
    route("verify/", views.search, name="search", access=PUBLIC),
    route("verify/report/", views.report, name="report", access=PUBLIC),
    route("verify/report/done/", views.report_done, name="report_done", access=PUBLIC),
    route("verify/reports/", views.reports_public, name="reports_public", access=PUBLIC),
    route("verify/accountability/", views.accountability, name="accountability", access=PUBLIC),
    route("verify/<str:code>/", views.detail, name="detail", access=PUBLIC),
    route("verify/<str:code>/qr.svg", views.qr_code, name="qr", access=PUBLIC),
    route("open-data/", views.open_data, name="open_data", access=PUBLIC),
    route("open-data/<str:day>/<str:filename>", views.open_data_file, name="open_data_file", access=PUBLIC),
    route("changes/atom/", feeds.ChangesAtom(), name="changes_atom", access=PUBLIC),
    route("changes/feed.json", feeds.json_feed, name="changes_json", access=PUBLIC),
]

_conditional = decorator_from_middleware(ConditionalGetMiddleware)


def _public_api_view(view):
    """ETag (304 on If-None-Match) and Last-Modified for every API answer, cacheable briefly."""
    conditional = _conditional(view)

    def wrapped(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=60)
        rate_limit_headers(request, response)
        return response

    wrapped.csrf_exempt = True
    return wrapped


def _declared_public(patterns):
    """django-ninja's routes, each declared PUBLIC for the access middleware like every route of ours."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            _declared_public(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            entry.default_args = {**entry.default_args, ACCESS_KWARG: PUBLIC}
            entry.callback = _public_api_view(entry.callback)
    return patterns


api_patterns, _, api_namespace = api.urls
api_urls = path("api/v1/", include((_declared_public(api_patterns), "api"), namespace=api_namespace))
