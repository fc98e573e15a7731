from govmedia.roles import ORG_UNITS
from govmedia.access import route

from . import imitation_views as views

app_name = "imitation"

urlpatterns = [
    route("", views.reports, name="list", access=ORG_UNITS),
    route("<int:pk>/", views.detail, name="detail", access=ORG_UNITS),
    route("<int:pk>/<str:action>/", views.act, name="act", access=ORG_UNITS),
]
