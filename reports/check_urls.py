from govmedia.roles import FILERS, ORG_UNITS
from govmedia.access import route

from . import check_views as views

app_name = "checks"
FILLERS = ORG_UNITS | FILERS  # every unit that fills a 检查结果信息表

urlpatterns = [
    route("", views.home, name="home", access=FILLERS),
    route("open/", views.open_round, name="open", access=ORG_UNITS),
    route("<int:year>/<int:quarter>/", views.quarter, name="quarter", access=ORG_UNITS),
    route("<int:year>/<int:quarter>/overdue.xlsx", views.overdue_export, name="overdue_export", access=ORG_UNITS),
    route("<int:year>/<int:quarter>/circular/", views.circular, name="circular", access=ORG_UNITS),
    route("<int:year>/<int:quarter>/circular/notice/", views.circular_notice, name="circular_notice", access=ORG_UNITS),
    route("sheets/<int:pk>/", views.sheet_detail, name="sheet", access=FILLERS),
    route("sheets/<int:pk>/save/", views.sheet_save, name="sheet_save", access=FILLERS),
    route("sheets/<int:pk>/unregistered/", views.unregistered_add, name="unregistered_add", access=FILLERS),
    route("sheets/<int:pk>/unregistered/<int:item_id>/", views.unregistered_update, name="unregistered_update",
          access=FILLERS),
    route("sheets/<int:pk>/unregistered/<int:item_id>/register/", views.unregistered_register,
          name="unregistered_register", access=FILERS),
    route("sheets/<int:pk>/unregistered/<int:item_id>/delete/", views.unregistered_delete, name="unregistered_delete",
          access=FILLERS),
    route("sheets/<int:pk>/submit/", views.sheet_submit, name="sheet_submit", access=FILLERS),
    route("sheets/<int:pk>/accept/", views.sheet_accept, name="sheet_accept", access=ORG_UNITS),
    route("sheets/<int:pk>/return/", views.sheet_return, name="sheet_return", access=ORG_UNITS),
]
