from govmedia.roles import GB_ONLY, L1_ONLY, Access, Role
from govmedia.access import route

from . import views

app_name = "reports"
GB_AND_L1 = Access({Role.GB, Role.L1})

urlpatterns = [
    route("", views.report_list, name="list", access=GB_AND_L1),
    route("new/", views.report_create, name="create", access=L1_ONLY),
    route("guide/", views.guide, name="guide", access=GB_AND_L1),
    route("overview/", views.overview, name="overview", access=GB_ONLY),
    route("accounts/", views.account_search, name="account_search", access=L1_ONLY),
    route("<int:pk>/", views.report_detail, name="detail", access=GB_AND_L1),
    route("<int:pk>/header/", views.report_header, name="header", access=L1_ONLY),
    route("<int:pk>/items/add/", views.item_add, name="item_add", access=L1_ONLY),
    route("<int:pk>/items/<int:item_id>/delete/", views.item_delete, name="item_delete", access=L1_ONLY),
    route("<int:pk>/items/import/", views.items_import, name="items_import", access=L1_ONLY),
    route("<int:pk>/items/import/errors/", views.items_import_errors, name="items_import_errors", access=L1_ONLY),
    route("<int:pk>/items/export/", views.items_export, name="items_export", access=GB_AND_L1),
    route("<int:pk>/items/template/", views.items_template, name="items_template", access=L1_ONLY),
    route("<int:pk>/document/", views.document_upload, name="document_upload", access=L1_ONLY),
    route("<int:pk>/document/download/", views.document_download, name="document_download", access=GB_AND_L1),
    route("<int:pk>/from-checks/", views.report_from_checks, name="from_checks", access=L1_ONLY),
    route("<int:pk>/submit/", views.report_submit, name="submit", access=L1_ONLY),
]
