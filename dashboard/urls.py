from govmedia.roles import ORG_UNITS
from govmedia.access import route

from . import views

app_name = "dashboard"

urlpatterns = [
    route("", views.home, name="home", access=ORG_UNITS),
    route("overdue/", views.overdue, name="overdue", access=ORG_UNITS),
]
