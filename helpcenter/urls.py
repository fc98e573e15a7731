from govmedia.roles import PUBLIC
from govmedia.access import route

from . import views

app_name = "help"

urlpatterns = [
    route("", views.index, name="index", access=PUBLIC),
    route("<slug:key>/", views.section, name="section", access=PUBLIC),
]
