"""Findings feed the inspection: a finding becomes a row of its owner's 检查结果信息表 (the latest
sheet still open for writing), marked 不合格 with the matching 存在的突出问题 preselected. The unit
then writes the 整改情况 and saves the sheet as usual (reports/check_services.save_sheet)."""
from django.db import transaction

from reports import check_services
from reports.models import PROBLEMS, WEBSITE_PROBLEMS, CheckSheet, SpotCheckItem
from reports.services import ReportError, item_subject
from reviews import journal

from .models import FINDING_LABELS, WEBSITE_KINDS, Finding, Kind
from .selectors import is_owner, owner_of

# The 存在的突出问题 of the sheet each finding kind stands for (reports.models PROBLEMS, WEBSITE_PROBLEMS).
PROBLEM_OF = {
    Kind.ACCOUNT_UPDATE: "监测时间点前2周无更新",   # the national 单项否决 indicator
    Kind.APP_DOWNLOAD: "移动客户端（APP）无法下载或使用",
    Kind.ACCOUNT_LINK: "其他",
    Kind.HOMEPAGE: "站点无法访问",
    Kind.COLUMNS: "链接不可用",
    Kind.TLS: "其他",
    Kind.MARKS: "其他",
    # the inspection indicators' checks (0045)
    Kind.HOME_UPDATE: "首页信息超过2周未更新",
    Kind.KEY_COLUMNS: "栏目不更新",
    Kind.COLUMN_UPDATE: "栏目不更新",
    Kind.BLANK_COLUMNS: "空白栏目",
    Kind.EXPRESSION: "其他",
    Kind.OUTLINKS: "其他",
    Kind.INTERACTION: "互动回复不及时",
}
assert all(PROBLEM_OF[k] in (WEBSITE_PROBLEMS if k in WEBSITE_KINDS and k != Kind.EXPRESSION else PROBLEMS)
           for k in PROBLEM_OF) and set(PROBLEM_OF) == set(Kind)


def open_sheet_for(finding: Finding) -> CheckSheet | None:
    """The owner's newest 检查结果信息表 that can still be written (未报送 or 已退回)."""
    kind, pk = owner_of(finding)
    sheets = CheckSheet.objects.filter(status__in=[CheckSheet.Status.DRAFT, CheckSheet.Status.RETURNED])
    sheets = sheets.filter(filer_unit_id=pk) if kind == "filer" else sheets.filter(filer_unit__isnull=True, org_unit_id=pk)
    return sheets.order_by("-year", "-quarter").first()


@transaction.atomic
def to_sheet_row(user, finding: Finding) -> SpotCheckItem:
    """转入检查结果信息表: the object's row of the owner's open sheet (added if the sheet lacks it),
    不合格, with the finding's problem preselected (其他: the finding's detail as 问题说明)."""
    finding = Finding.objects.select_for_update(of=("self",)).select_related("account", "website").get(pk=finding.pk)
    if not is_owner(user, finding):
        raise ReportError("只有负责填写该对象检查结果信息表的单位可以转入。")
    if finding.closed_at is not None:
        raise ReportError("该问题已恢复，无需转入检查结果。")
    sheet = open_sheet_for(finding)
    if sheet is None:
        raise ReportError("本单位没有可填写的检查结果信息表（上级组织单位发起检查后才能转入）。")
    check_services.prefill(sheet)
    subject = finding.subject
    field = "website" if finding.website_id else "account"
    item = sheet.items.filter(unregistered=False, **{field: subject}).first()
    if item is None:
        item = SpotCheckItem.objects.create(sheet=sheet, passed=None, **item_subject(subject))
    before = {"passed": item.passed, "problems": list(item.problems), "problem_other": item.problem_other}
    problem = PROBLEM_OF[finding.kind]
    allowed = WEBSITE_PROBLEMS if field == "website" else PROBLEMS
    chosen = set(item.problems) | {problem}
    item.problems = [p for p in allowed if p in chosen]
    if problem == "其他":
        note = f"{FINDING_LABELS[finding.kind]}：{finding.detail}"
        if note not in item.problem_other:
            item.problem_other = "；".join(p for p in (item.problem_other, note) if p)[:200]
    item.passed = False
    item.save(update_fields=["passed", "problems", "problem_other"])
    finding.sheet_item = item
    finding.save(update_fields=["sheet_item"])
    journal.record(sheet, "monitoring_to_sheet", user, label="监测发现转入检查结果", before=before,
                   after={"passed": item.passed, "problems": item.problems, "problem_other": item.problem_other},
                   data={"finding": finding.pk, "kind": finding.kind, "object": subject.name}, scope_path=sheet.org_path)
    return item
