from accounts import filer_views as views
from govmedia.roles import L1_ONLY, ORG_UNITS
from govmedia.access import route

app_name = "filer_units"

urlpatterns = [
    route("", views.filer_list, name="list", access=ORG_UNITS),
    route("<int:pk>/", views.filer_detail, name="detail", access=ORG_UNITS),
    route("add/", views.filer_add, name="add", access=L1_ONLY),
    route("add/units/", views.filer_attachable, name="attachable", access=L1_ONLY),
    route("<int:pk>/created/", views.filer_created, name="created", access=L1_ONLY),
    route("<int:pk>/reset-password/", views.filer_reset_password, name="reset_password", access=ORG_UNITS),
    route("<int:pk>/rename/", views.filer_rename, name="rename", access=ORG_UNITS),
    route("<int:pk>/delete/", views.filer_delete, name="delete", access=ORG_UNITS),
]
