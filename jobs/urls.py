from govmedia.roles import FILERS, ORG_UNITS
from govmedia.access import route

from . import views

app_name = "jobs"
EXPORTERS = ORG_UNITS | FILERS  # everyone who sees a list with 导出

urlpatterns = [
    route("", views.center, name="center", access=EXPORTERS),
    route("<int:pk>/", views.detail, name="detail", access=EXPORTERS),
    route("<int:pk>/status/", views.status, name="status", access=EXPORTERS),
    route("<int:pk>/download/", views.download, name="download", access=EXPORTERS),
]
