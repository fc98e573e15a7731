from accounts import org_user_views, unit_views, views
from govmedia.roles import FILERS, ORG_UNITS, PUBLIC, SIGNED_IN
from govmedia.access import route

app_name = "accounts"

urlpatterns = [
    route("", views.login_view, name="login", access=PUBLIC),
    route("logout/", views.logout_view, name="logout", access=SIGNED_IN),
    route("settings/", views.settings_view, name="settings", access=SIGNED_IN),
    route("settings/password/", views.password_change_view, name="password_change", access=SIGNED_IN),
    route("settings/org-users/", org_user_views.org_user_list, name="org_users", access=ORG_UNITS),
    route("settings/org-users/<int:pk>/reset-password/", org_user_views.org_user_reset, name="org_user_reset",
          access=ORG_UNITS),
    route("settings/org-unit/", org_user_views.org_unit_info, name="org_unit_info", access=ORG_UNITS),
    route("settings/unit/", unit_views.filer_info, name="filer_info", access=FILERS),
    route("settings/unit/sms/", unit_views.filer_info_sms, name="filer_info_sms", access=FILERS),
    route("forgot-password/", unit_views.forgot_password, name="forgot_password", access=PUBLIC),
    route("forgot-password/sms/", unit_views.forgot_password_sms, name="forgot_password_sms", access=PUBLIC),
]
