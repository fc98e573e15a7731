from govmedia.roles import SIGNED_IN
from govmedia.access import route

from . import views

app_name = "notifications"

urlpatterns = [
    route("", views.center, name="center", access=SIGNED_IN),
    route("read/", views.read, name="read", access=SIGNED_IN),
    route("read-all/", views.read_all, name="read_all", access=SIGNED_IN),
    route("<int:pk>/open/", views.open_link, name="open", access=SIGNED_IN),
    route("settings/", views.preferences, name="preferences", access=SIGNED_IN),
]
