"""Demo websites around 北京市 / 海淀区 and 国家税务总局 in every 申报状态 and 运行状态 (SPEC §13),
made through the same rules as real ones. Safe to run twice."""
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import User
from orgtree.models import OrgUnit
from websites import services
from websites.models import COLUMN_CATEGORIES, Website
from websites.offline import OFFLINE_WORKFLOW, RUN_WORKFLOW
import os
from accounts import crypto
from django.contrib.auth.hashers import make_password

BASE = {
    "sponsor": "北京市海淀区人民政府办公室", "operator_unit": "北京市海淀区政务服务管理局", "icp_number": "京ICP备05013424号",
    "police_record": "京公网安备11010802017805号", "party_gov_mark": "", "head_name": "王主任", "head_title": "主任",
    "head_mobile": "13811112222", "head_landline": "", "head_email": "", "contact_name": "李联系", "contact_title": "科员",
    "contact_mobile": "13933334444", "contact_landline": "", "contact_email": "web@example.gov.cn",
    "is_portal": False, "is_service_platform": False,
}
# (name, homepage, org code, portal?, the steps after the public application)
PLAN = [
    ("海淀区人民政府网", "https://www.bjhd.gov.cn", "110108", True, ["submit", "approve", "approve", "code"]),
    ("海淀区教育委员会网站", "https://edu.bjhd.gov.cn", "110108", False, ["submit", "approve", "approve", "code", "change"]),
    ("海淀区卫生健康委员会网站", "https://wjw.bjhd.gov.cn", "110108", False, ["submit", "approve", "approve", "code", "temporary"]),
    ("海淀区统计局网站", "https://tjj.bjhd.gov.cn", "110108", False, ["submit", "approve", "approve", "code", "emergency"]),
    ("海淀区档案馆网站", "https://daj.bjhd.gov.cn", "110108", False, ["submit", "approve", "approve", "code", "permanent"]),
    ("海淀区科学技术协会网站", "https://kx.bjhd.gov.cn", "110108", False, []),                      # 未提交 at 海淀区
    ("海淀区文化和旅游局网站", "https://wlj.bjhd.gov.cn", "110108", False, ["submit"]),              # 审核中
    ("海淀区民政局网站", "https://mzj.bjhd.gov.cn", "110108", False, ["submit", "approve"]),         # 已审核, at 北京市
    ("海淀区某协会网站", "https://xh.example.cn", "110108", False, ["submit", "reject"]),            # 审核未通过
    ("北京市人民政府门户网站", "https://www.beijing.gov.cn", "110000", True, ["submit", "approve", "code"]),
    ("北京市商务局网站", "https://sw.beijing.gov.cn", "110000", False, ["submit", "approve", "code"]),
    ("国家税务总局网站", "https://www.chinatax.gov.cn", "bm2900", True, ["submit", "approve", "code"]),
    ("国家税务总局山西省税务局网站", "https://shanxi.chinatax.gov.cn", "bm2904", False, ["submit", "approve", "approve", "code"]),
]


class Command(BaseCommand):
    help = "创建演示用政府网站（各申报状态与运行状态）。"

    def handle(self, *args, **options):
        made = 0
        early = timezone.now() - timedelta(days=2)
        for name, homepage, org_code, portal, steps in PLAN:
            org = OrgUnit.objects.filter(code=org_code).first()
            if org is None or Website.objects.filter(name=name).exists():
                continue
            site = services.apply({**BASE, "name": name, "homepage": homepage, "org_unit": org, "is_portal": portal},
                                  AnonymousUser())
            for step in steps:
                site.refresh_from_db()
                reviewer = User.objects.filter(kind=User.Kind.ORG, org_unit_id=site.reviewer_id).first()
                if step == "submit":
                    services.perform(site, "submit", reviewer)
                elif step == "approve":
                    services.perform(site, "approve", reviewer, {"result_label": "审核通过", "now": early})
                elif step == "reject":
                    services.perform(site, "reject", reviewer, {"result_label": "审核未通过", "reason": "非政府网站，请核实。"})
                elif step == "code":
                    services.generate_site_codes()
                else:
                    self._operate(Website.objects.get(pk=site.pk), step)
            made += 1
        self._demo_passwords()
        self.stdout.write(f"新建演示网站 {made} 个。网站用户（角色选“填报单位”）：用户名为网站标识码，校验码为演示密码。")
        for site in Website.objects.order_by("id"):
            self.stdout.write(f"  {site.name}：临时码 {site.tracking_code}，网站标识码 {site.site_code or '（未生成）'}")

    def _demo_passwords(self):
        """SPEC §13: every demo login shares the demo password, website operators included."""
        password = os.environ.get("DEMO_PASSWORD") or "Demo@2026"
        hashed = make_password(password)
        for site in Website.objects.exclude(operator_user=None).filter(verification_shown_at=None):
            User.objects.filter(pk=site.operator_user_id).update(password=hashed)
            Website.objects.filter(pk=site.pk).update(verification_encrypted=crypto.encrypt(password))

    def _operate(self, site, step):
        operator = site.operator_user
        today = timezone.localdate()
        if step == "change":
            columns = {c: {"names": "无", "urls": "无"} for c in COLUMN_CATEGORIES}
            columns["概况信息"] = {"names": "机构概况", "urls": f"{site.homepage}/gk"}
            services.perform(site, "request_change", operator, {"columns": columns})
        elif step in ("temporary", "permanent"):
            data = {"kind": step, "offline_from": today, "offline_until": today + timedelta(days=20) if step == "temporary" else None,
                    "reason": "网站改版"}
            OFFLINE_WORKFLOW.apply(site, "request_offline", operator, data)
            for _ in range(3):
                site.refresh_from_db()
                if site.offline_reviewer_id is None:
                    break
                reviewer = User.objects.get(kind=User.Kind.ORG, org_unit_id=site.offline_reviewer_id)
                services.offline_action(site, "approve_offline", reviewer, {})  # today's start: 临时下线 at once
            if step == "permanent":
                RUN_WORKFLOW.apply(Website.objects.get(pk=site.pk), "complete_offline", operator, {})
        elif step == "emergency":
            gb = User.objects.get(username="GB0000")
            RUN_WORKFLOW.apply(site, "emergency_offline", gb, {"offline_until": today + timedelta(days=3), "reason": "安全漏洞"})
