from govmedia.roles import FILERS, ORG_UNITS
from govmedia.access import route

from . import views

app_name = "monitoring"

urlpatterns = [
    route("", views.findings, name="findings", access=ORG_UNITS),
    route("indicators/", views.verdicts, name="verdicts", access=ORG_UNITS),
    route("findings/<int:pk>/to-sheet/", views.to_sheet, name="to_sheet", access=ORG_UNITS | FILERS),
]
