from django.contrib import admin
from django.urls import include, path

from captcha import views as captcha_views

from govmedia.roles import ORG_UNITS, PUBLIC, SIGNED_IN
from govmedia.access import route
from govmedia.ops.metrics import metrics
from govmedia.ops.views import healthz
from govmedia.views import home, org_children
from verify.urls import api_urls as verify_api_urls

admin.site.site_header = "全国政务新媒体与政府网站报送系统 · 运维管理"
admin.site.site_title = "运维管理"
admin.site.index_title = "运维管理"


urlpatterns = [
    route("healthz", healthz, name="healthz", access=PUBLIC),  # ops: load balancer probe, no data
    route("metrics", metrics, name="metrics", access=PUBLIC),  # ops: Prometheus, METRICS_ALLOWED_NETWORKS only (404)
    route("home/", home, name="home", access=SIGNED_IN),
    path("media/", include("accounts_media.urls")),
    route("org-units/children/", org_children, name="org_children", access=ORG_UNITS),
    path("filer-units/", include("accounts.filer_urls")),
    path("lists/", include("govmedia.common.urls")),
    path("spot-checks/", include("reports.urls")),
    path("notices/", include("reports.notice_urls")),
    path("self-checks/", include("reports.check_urls")),  # 检查季度, 检查结果信息表
    path("websites/", include("websites.urls")),
    path("downloads/", include("jobs.urls")),  # 下载中心: export jobs
    path("journal/", include("reviews.urls")),
    path("notifications/", include("notifications.urls")),  # 消息中心
    path("dashboard/", include("dashboard.urls")),          # 数据看板, 超期待审核
    path("monitoring/", include("monitoring.urls")),  # 监测发现
    path("imitation-reports/", include("verify.imitation_urls")),  # 举报仿冒账号 (org units' side)
    path("control/", include("control.urls")),        # 控制权验证 (issue 28)
    path("help/", include("helpcenter.urls")),  # 帮助中心
    # The 验证码 image (django-simple-captcha's views, declared public here like every route of ours).
    route("captcha/image/<str:key>/", captcha_views.captcha_image, name="captcha-image", access=PUBLIC,
          kwargs={"scale": 1}),
    path("", include("verify.urls")),  # 官方账号查询, open data, change feeds (public)
    verify_api_urls,                   # /api/v1/ (public, django-ninja)
    path("", include("accounts.urls")),
    path("ops-admin/", admin.site.urls),
]

handler500 = "govmedia.views.server_error"  # the 500 page names the request id (support reference)
