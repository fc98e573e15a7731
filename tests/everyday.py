"""The main pages of every role on one small data set: what the accessibility pass (axe-core, in
the browser), the Nu validator pass and the page-title test open. One builder so the three walk
the same pages."""
from datetime import timedelta

from django.utils import timezone

from tests.factories import make_filer, make_org_user, make_small_tree, make_user, make_website

PRODUCT = "全国政务新媒体与政府网站报送系统"

PUBLIC_PAGES = [
    ("登录", "/"),
    ("忘记密码", "/forgot-password/"),
    ("官方账号查询", "/verify/"),
    ("开放数据", "/open-data/"),
    ("举报仿冒账号", "/verify/report/"),
    ("举报处理情况", "/verify/reports/"),
    ("各单位履职数据", "/verify/accountability/"),
    ("新增网站", "/websites/apply/"),
    ("新增网站", "/websites/apply/form/"),
    ("查询进度", "/websites/progress/"),
]

NOTIFICATIONS = [("消息中心", "/notifications/"), ("消息提醒设置", "/notifications/settings/")]


def build() -> dict:
    """Units of every role with something on each of their pages: accounts at each stage, a
    website with its operator login, a spot-check report, a self-check round, a notice, an
    export job. Returns the users by role and the pages (title's first part, URL) by role."""
    from accounts.models import User
    from accounts_media.models import MediaAccount
    from jobs.models import Job
    from jobs.services import start_job
    from reports import check_services, services as report_services
    from reports.workflow import send_notice
    from reports.models import Notice
    from tests.accounts_media.conftest import normal_account, reject, submit

    tree = make_small_tree()
    gb, l1, org = (make_org_user(tree[c]) for c in ("GB0000", "110000", "110108"))
    filer = make_filer(tree["110108"], "海淀区上庄镇政府", 1).user
    make_filer(tree["110108"], "海淀区燕园街道办事处", 2, complete=False)
    site_user = make_user("1101080001", User.Kind.SITE)
    chain = {"shangzhuang": filer, "haidian": org, "beijing": l1, "gb": gb}
    normal = normal_account(chain, name="上庄发布")
    pending = submit(filer, name="上庄微博", account_type="WB", wechat_kind="", url="https://weibo.com/u/2265830070",
                     platform_id="2265830070")
    rejected = reject(submit(filer, name="上庄服务", platform_id="MzA5MDk1MjI5MQ==",
                             url="https://mp.weixin.qq.com/s/abc2"), org)
    site = make_website(tree["110108"], "海淀区人民政府网站", sponsor="海淀区人民政府", site_code="1101080001",
                        filing="done", operator_user=site_user)
    report = report_services.create_report(l1, "media", timezone.localdate().year, 1)
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    check_services.open_round(org, today.year, quarter,
                              {key: today + timedelta(days=7) for key, _ in check_services.deadline_tiers(org.org_unit)})
    from tests.jobs_helpers import run_queued_jobs

    run_queued_jobs()  # 发起检查 is a job: its sheets are made by the worker
    from reports.models import CheckSheet

    filer_sheet = CheckSheet.objects.filter(filer_unit=filer.filer_unit).first()
    notice = report_services.save_notice(Notice(), gb, title="关于核查部分账号的通知", menu_label="", body="请核查附件所列账号。",
                                         audience=Notice.Audience.CHILDREN)
    send_notice(notice, gb)
    notice_to_filer = report_services.save_notice(Notice(), org, title="关于开展季度自查的通知", menu_label="",
                                                  body="请各单位自查。", audience=Notice.Audience.FILERS)
    send_notice(notice_to_filer, org)
    job = start_job(l1, Job.Kind.EXPORT, "新媒体账号信息（导出全部）",
                    {"spec": "media_accounts", "query": "", "ids": None, "path": "/media/"})
    assert MediaAccount.objects.count() == 3

    def org_pages(user):
        pages = [
            ("已提交 - 新媒体账号信息", "/media/"),
            ("待审核 - 新媒体账号信息", "/media/?tab=pending"),
            (f"{normal.name} - 查看新媒体账号", f"/media/{normal.pk}/"),
            (f"{normal.name} - 流水", f"/media/{normal.pk}/journal/"),
            ("填报单位用户管理", "/filer-units/"),
            ("检查结果信息表", "/self-checks/"),
            ("政府网站和栏目基本信息表", "/websites/review/"),
            (f"{site.name}", f"/websites/review/{site.pk}/"),
            ("下线审核", "/websites/offline-reviews/"),
            ("组织单位信息查询", "/websites/org-units/"),
            ("基本信息统计", "/websites/statistics/"),
            ("下载中心", "/downloads/"),
            ("操作日志", "/journal/"),
            ("用户设置", "/settings/"),
            ("修改密码", "/settings/password/"),
            ("下级组织单位用户", "/settings/org-users/"),
            ("数据看板", "/dashboard/"),
            ("超期待审核", "/dashboard/overdue/"),
            ("监测发现", "/monitoring/"),
            ("举报仿冒账号", "/imitation-reports/"),
            ("组织单位信息", "/settings/org-unit/"),
        ] + NOTIFICATIONS
        return pages

    pages = {
        "gb": org_pages(gb) + [
            ("上报抽查情况汇总", "/spot-checks/overview/"),
            ("待核查账号", "/notices/"),
            (notice.title, f"/notices/{notice.pk}/"),
            ("新建通知", "/notices/new/"),
        ],
        "l1": org_pages(l1) + [
            ("上报抽查情况", "/spot-checks/"),
            ("抽查上报说明", "/spot-checks/guide/"),
            (f"北京市 {report.year}年第1季度新媒体抽查情况 - 抽查报告", f"/spot-checks/{report.pk}/"),
            ("新增填报单位", "/filer-units/add/"),
            (f"{job.title} - 导出进度", f"/downloads/{job.pk}/"),
        ],
        "org": org_pages(org) + [
            ("待核查账号", "/notices/"),
            ("新建通知", "/notices/new/"),
            (f"{pending.name} - ", f"/media/{pending.pk}/review/"),
            (f"{filer.filer_unit.name} - 修改填报单位全称", f"/filer-units/{filer.filer_unit.pk}/rename/"),
            (f"{filer.filer_unit.name} - 查看填报单位", f"/filer-units/{filer.filer_unit.pk}/"),
        ],
        "filer": [
            ("已提交 - 新媒体账号信息", "/media/"),
            ("被驳回 - 新媒体账号信息", "/media/?tab=rejected"),
            ("新增新媒体账号", "/media/add/"),
            ("批量导入", "/media/import/"),
            (f"{normal.name} - 查看新媒体账号", f"/media/{normal.pk}/"),
            (f"{normal.name} - 编辑新媒体账号", f"/media/{normal.pk}/modify/"),
            (f"{normal.name} - 关停", f"/media/{normal.pk}/close/"),
            (f"{rejected.name} - 查看驳回", f"/media/{rejected.pk}/rejection/"),
            ("检查结果信息表", "/self-checks/"),
            ("检查结果信息表", f"/self-checks/sheets/{filer_sheet.pk}/"),
            ("下载中心", "/downloads/"),
            ("用户设置", "/settings/"),
            ("填报单位信息", "/settings/unit/"),
            ("待核查账号", "/notices/"),
            (notice_to_filer.title, f"/notices/{notice_to_filer.pk}/"),
            ("查找新媒体账号信息指南", "/media/guide/"),
        ] + NOTIFICATIONS,
        "site": [
            (f"{site.name} - 政府网站信息", "/websites/mine/"),
            ("基本信息修改", "/websites/mine/change/"),
            ("下线申请", "/websites/mine/offline/"),
            ("维护其他域名", "/websites/mine/domains/"),
            (f"{site.name} - 审核流水", "/websites/mine/journal/"),
            ("用户设置", "/settings/"),
        ] + NOTIFICATIONS,
        "public": PUBLIC_PAGES + [(normal.name, f"/verify/{normal.media_code}/")],
    }
    users = {"gb": gb, "l1": l1, "org": org, "filer": filer, "site": site_user}
    return {"users": users, "pages": pages, "normal": normal, "pending": pending, "site": site}
