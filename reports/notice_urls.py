from accounts.roles import GB_ONLY, Access, Role
from govmedia.access import route

from . import notice_views as views

app_name = "notices"
GB_AND_L1 = Access({Role.GB, Role.L1})

urlpatterns = [
    route("", views.notice_list, name="list", access=GB_AND_L1),
    route("new/", views.notice_edit, name="create", access=GB_ONLY),
    route("<int:pk>/", views.notice_detail, name="detail", access=GB_AND_L1),
    route("<int:pk>/edit/", views.notice_edit, name="edit", access=GB_ONLY),
    route("<int:pk>/attachments/", views.notice_attach, name="attach", access=GB_ONLY),
    route("<int:pk>/send/", views.notice_send, name="send", access=GB_ONLY),
    route("attachments/<int:pk>/", views.attachment_download, name="download", access=GB_AND_L1),
]
