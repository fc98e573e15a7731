from accounts import views
from accounts.roles import PUBLIC, SIGNED_IN
from govmedia.access import route

app_name = "accounts"

urlpatterns = [
    route("", views.login_view, name="login", access=PUBLIC),
    route("logout/", views.logout_view, name="logout", access=SIGNED_IN),
    route("settings/", views.settings_view, name="settings", access=SIGNED_IN),
    route("settings/password/", views.password_change_view, name="password_change", access=SIGNED_IN),
]
