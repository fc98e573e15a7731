from govmedia.roles import SIGNED_IN
from govmedia.access import route

from . import views

app_name = "lists"

urlpatterns = [
    route("columns/<str:table>/", views.save_columns, name="columns", access=SIGNED_IN),
]
