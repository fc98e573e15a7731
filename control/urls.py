from govmedia.roles import FILERS, ORG_UNITS, SITES
from govmedia.access import route

from . import views

app_name = "control"
OWNERS_AND_REVIEWERS = FILERS | SITES | ORG_UNITS

urlpatterns = [
    route("portal/", views.portal_items, name="portal_items", access=ORG_UNITS),
    route("portal/<int:pk>/close/", views.portal_close, name="portal_close", access=ORG_UNITS),
    route("<str:subject_type>/<int:pk>/check/", views.check_now, name="check", access=OWNERS_AND_REVIEWERS),
    route("<str:subject_type>/<int:pk>/attestation/<str:action>/", views.attestation, name="attestation",
          access=OWNERS_AND_REVIEWERS),
    route("<str:subject_type>/<int:pk>/screenshot/", views.screenshot, name="screenshot", access=OWNERS_AND_REVIEWERS),
]
