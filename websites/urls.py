from govmedia.roles import ORG_UNITS, PUBLIC, SITES
from govmedia.access import route

from . import org_views, views

app_name = "websites"

urlpatterns = [
    route("apply/", views.apply_notice, name="apply", access=PUBLIC),
    route("apply/form/", views.apply_form, name="apply_form", access=PUBLIC),
    route("apply/org/", views.org_lookup, name="org_lookup", access=PUBLIC),
    route("progress/", views.progress, name="progress", access=PUBLIC),
    route("review/", views.review_list, name="review_list", access=ORG_UNITS),
    route("offline-reviews/", org_views.offline_reviews, name="offline_reviews", access=ORG_UNITS),
    route("org-units/", org_views.org_contacts, name="org_contacts", access=ORG_UNITS),
    route("statistics/", org_views.statistics, name="statistics", access=ORG_UNITS),
    route("review/<int:pk>/", views.review_detail, name="review_detail", access=ORG_UNITS),
    route("review/<int:pk>/journal/", views.site_journal, name="review_journal", access=ORG_UNITS),
    route("review/<int:pk>/reset-verification/", views.reset_verification, name="reset_verification", access=ORG_UNITS),
    route("review/<int:pk>/verification-shown/", views.verification_shown, name="verification_shown", access=ORG_UNITS),
    route("review/<int:pk>/<str:action>/", views.review_action, name="review_action", access=ORG_UNITS),
    route("review/all/<str:action>/", views.review_all, name="review_all", access=ORG_UNITS),
    route("mine/", views.site_home, name="site_home", access=SITES),
    route("mine/change/", views.site_change, name="site_change", access=SITES),
    route("mine/offline/", views.site_offline, name="site_offline", access=SITES),
    route("mine/domains/", views.site_domains, name="site_domains", access=SITES),
    route("mine/flag/<str:which>/", views.site_flag, name="site_flag", access=SITES),
    route("mine/journal/", views.site_journal, name="site_journal", access=SITES),
    route("mine/offline/complete/", views.site_complete_offline, name="site_complete_offline", access=SITES),
    route("review/<int:pk>/offline/<str:action>/", views.offline_action, name="offline_action", access=ORG_UNITS),
]
