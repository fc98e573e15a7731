from govmedia.roles import FILERS, ORG_UNITS
from govmedia.access import route

from . import notice_views as views

app_name = "notices"
RECEIVERS = ORG_UNITS | FILERS  # every org unit and filer unit receives notices; org units write them

urlpatterns = [
    route("", views.notice_list, name="list", access=RECEIVERS),
    route("new/", views.notice_edit, name="create", access=ORG_UNITS),
    route("<int:pk>/", views.notice_detail, name="detail", access=RECEIVERS),
    route("<int:pk>/edit/", views.notice_edit, name="edit", access=ORG_UNITS),
    route("<int:pk>/attachments/", views.notice_attach, name="attach", access=ORG_UNITS),
    route("<int:pk>/send/", views.notice_send, name="send", access=ORG_UNITS),
    route("<int:pk>/circular.docx", views.circular_preview, name="circular_preview", access=ORG_UNITS),
    route("attachments/<int:pk>/", views.attachment_download, name="download", access=RECEIVERS),
]
