"""Demo media accounts in every status around 北京市 / 海淀区 and 国家税务总局 (SPEC §13),
made through the review workflow itself, so their journals are real. Safe to run twice."""
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts_media import services
from accounts_media.models import MediaAccount
from accounts_media.platforms import extract_platform_id
from accounts_media.workflow import REVIEWS

REVIEW = {"result_label": "同意", "reviewer_name": "王审核", "reviewer_phone": "010-62751234"}
CLOSE = {"applicant_name": "李申请", "applicant_phone": "13800001111", "close_reason": "已完成注销/下线",
         "cancel_date": "2026-10-31", "detail": "账号已在平台完成注销。"}
RESTORE = {"applicant_name": "赵恢复", "applicant_phone": "010-65190000", "reason": "机构调整后账号需继续运营。"}

# (filer code, name, type, url, then the steps after creation)
PLAN = [
    ("110108M001", "上庄发布", "WX", "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&mid=1", ["normal"]),
    ("110108M001", "上庄镇政府", "WB", "https://weibo.com/u/2265830070", ["normal", "modify"]),
    ("110108M001", "上庄视频", "DY", "https://www.douyin.com/user/MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE",
     ["normal", "modify", "reject"]),
    ("110108M001", "上庄头条", "TT", "https://www.toutiao.com/c/user/1090304683804520/", ["normal", "close"]),
    ("110108M001", "上庄快手", "KS", "https://www.kuaishou.com/profile/3x84qugg4ch9zhs", ["normal", "close", "reject"]),
    ("110108M001", "上庄百家号", "BJ", "https://author.baidu.com/home?app_id=1582149344008199", ["normal", "close", "approve"]),
    ("110108M001", "上庄B站", "BL", "https://space.bilibili.com/434377496",
     ["normal", "close", "approve", "restore"]),
    ("110108M001", "上庄小红书", "XH", "https://www.xiaohongshu.com/user/profile/5eb8e1d400000000010075ae",
     ["normal", "close", "approve", "restore", "reject_gb"]),
    ("110108M001", "上庄服务", "WX", "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzI2MTYxNTg3NA==", ["submit"]),
    ("110108M001", "上庄政务", "WX", "https://mp.weixin.qq.com/mp/homepage?__biz=MzA3MDM3NjE5NQ==&hid=4", ["submit", "approve"]),
    ("110108M001", "上庄企鹅号", "QE", "https://new.qq.com/omn/author/5933889", ["submit", "reject"]),
    ("110108M001", "上庄客户端", "KH", "https://apps.apple.com/cn/app/id1485553352", ["draft"]),
    ("110108M002", "燕园街道", "WB", "https://m.weibo.cn/u/1669879400", ["normal"]),
    ("110000M001", "北京商务", "WX", "https://mp.weixin.qq.com/s?__biz=MzU0NjA3MjYxMg==&mid=2", ["normal"]),
    ("110000M001", "北京商务微博", "WB", "https://weibo.com/u/5501756072", ["normal"]),
    ("110000M002", "平安北京", "DY", "https://www.douyin.com/user/MS4wLjABAAAAnzRLpvV9w2jXzWhHSsG5D4SoqfYazU1-fvgm4joaHXQ", ["submit"]),
    ("bm2900M001", "国家税务总局", "WX", "https://mp.weixin.qq.com/s?__biz=MjM5NjA1MjQ0MA==&mid=3", ["normal"]),
    ("bm2904M001", "山西税务", "WB", "https://weibo.com/u/1234567890", ["normal"]),
    ("bm2904M001", "山西税务头条", "TT",
     "https://www.toutiao.com/c/user/token/MS4wLjABAAAApOspM7AnWqplD9FIBGnhJRfUjFT_msD1KZMfNPBZa-c/", ["submit"]),
]


class Command(BaseCommand):
    help = "创建演示用新媒体账号（各状态齐全，经由审核流程生成流水）。"

    def handle(self, *args, **options):
        created = 0
        with transaction.atomic():
            for filer_code, name, type_code, url, steps in PLAN:
                filer_user = User.objects.filter(username=filer_code).select_related("filer_unit").first()
                if filer_user is None or MediaAccount.objects.filter(filer_unit=filer_user.filer_unit, name=name).exists():
                    continue
                self._make(filer_user, name, type_code, url, steps)
                created += 1
        self.stdout.write(f"新建演示新媒体账号 {created} 个。")

    def _make(self, filer_user, name, type_code, url, steps):
        data = {
            "operator": filer_user.filer_unit.name, "account_type": type_code, "url": url, "name": name,
            "platform_id": extract_platform_id(type_code, url), "represents_government": type_code == "WX",
            "wechat_kind": "subscription" if type_code == "WX" else "", "platform_name": "",
            "func_publish": True, "func_service": type_code in ("WX", "KH"), "func_interact": True,
            "func_other": False, "func_other_text": "",
        }
        account = services.new_account(filer_user)
        first, *rest = steps
        if first == "draft":
            services.perform(account, "save_draft", filer_user, data)
            return
        account = services.perform(account, "submit", filer_user, data)
        if first == "normal":
            while account.status == "add_pending":
                account = self._review(account, "approve")
        for step in rest:
            if step == "modify":
                account = services.perform(account, "request_modify", filer_user, {**data, "name": name + "（新）"})
            elif step == "close":
                account = services.perform(account, "request_close", filer_user, CLOSE)
            elif step == "restore":
                l1 = User.objects.get(username=account.org_path.split("/")[2])
                account = services.perform(account, "request_restore", l1, RESTORE)
            elif step in ("approve", "reject", "reject_gb"):
                account = self._review(account, "approve" if step == "approve" else "reject")

    def _review(self, account, which):
        approve_name, reject_name, _, _ = REVIEWS[account.status]
        reviewer = User.objects.get(kind=User.Kind.ORG, org_unit_id=account.reviewer_id)
        data = {**REVIEW, "result_label": "同意" if which == "approve" else "驳回",
                "reason": "" if which == "approve" else "请核实账号名称与开设主体后重新提交。"}
        return services.perform(account, approve_name if which == "approve" else reject_name, reviewer, data)
