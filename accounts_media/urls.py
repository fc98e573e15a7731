from govmedia.roles import FILERS, GB_ONLY, L1_ONLY, ORG_UNITS
from govmedia.access import route

from . import bulk_views, import_views, views

app_name = "media"
EVERYONE_WITH_ACCOUNTS = ORG_UNITS | FILERS

urlpatterns = [
    route("", views.media_list, name="list", access=EVERYONE_WITH_ACCOUNTS),
    route("add/", views.account_add, name="add", access=FILERS),
    route("guide/", views.account_guide, name="guide", access=EVERYONE_WITH_ACCOUNTS),
    route("import/", import_views.import_upload, name="import", access=FILERS),
    route("import/template/<str:kind>/", import_views.import_template, name="import_template", access=FILERS),
    route("import/confirm/", import_views.import_confirm, name="import_confirm", access=FILERS),
    route("import/job/<int:pk>/", import_views.import_job, name="import_job", access=FILERS),
    route("bulk-review/", bulk_views.bulk_review, name="bulk_review", access=ORG_UNITS),
    route("bulk-drafts/<str:op>/", bulk_views.bulk_drafts, name="bulk_drafts", access=FILERS),
    route("<int:pk>/", views.account_detail, name="detail", access=EVERYONE_WITH_ACCOUNTS),
    route("<int:pk>/journal/", views.account_journal, name="journal", access=EVERYONE_WITH_ACCOUNTS),
    route("<int:pk>/edit/", views.account_edit, name="edit", access=FILERS),
    route("<int:pk>/modify/", views.account_modify, name="modify", access=FILERS),
    route("<int:pk>/close/", views.account_close, name="close", access=FILERS),
    route("<int:pk>/restore/", views.account_restore, name="restore", access=L1_ONLY),
    route("<int:pk>/review/", views.account_review, name="review", access=ORG_UNITS),
    route("<int:pk>/rejection/", views.account_rejection, name="rejection", access=EVERYONE_WITH_ACCOUNTS),
    route("<int:pk>/do/<str:action>/", views.account_action, name="action", access=EVERYONE_WITH_ACCOUNTS),
    route("<int:pk>/delete/", views.account_delete, name="delete", access=GB_ONLY),
]
