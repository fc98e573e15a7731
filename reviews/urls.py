from govmedia.roles import ORG_UNITS
from govmedia.access import route

from . import views

app_name = "journal"

urlpatterns = [
    route("", views.org_log, name="org_log", access=ORG_UNITS),
]
