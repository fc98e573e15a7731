"""季度通报: the circular an org unit publishes on its subtree's self-checks of a quarter, as a page
and as a .docx (python-docx); 生成通报 makes it a draft notice whose text the unit edits before
sending it to the subtree with the .docx attached (decision 0032)."""
import io
from collections import Counter

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from .models import CheckSheet, Notice, pass_rate
from .selectors import late_filings, reported_items, sheets_visible_to


def quarter_overview(user, year: int, quarter: int) -> dict:
    """The unit's view of a quarter: its direct children's sheets, rates by type over the subtree,
    every sheet of the subtree not yet reported, and the accounts filed late."""
    from .check_services import children_q

    unit, today = user.org_unit, timezone.localdate()
    sheets = sheets_visible_to(user).filter(year=year, quarter=quarter).select_related("org_unit__parent")
    children = list(sheets.filter(children_q(unit.pk)).order_by("filer_unit_id", "org_path"))
    by_type = (reported_items(unit, year, quarter).filter(unregistered=False).values("type_label")
               .annotate(checked=Count("id"), failed=Count("id", filter=Q(passed=False))).order_by("type_label"))
    types = [{**row, "rate": pass_rate(row["checked"], row["failed"])} for row in by_type]
    pending = [s for s in sheets.exclude(status__in=[CheckSheet.Status.SUBMITTED, CheckSheet.Status.ACCEPTED])
               .exclude(filer_unit__isnull=True, org_unit_id=unit.pk).order_by("due_date", "org_path")]
    own = sheets.filter(filer_unit__isnull=True, org_unit_id=unit.pk).first()
    late = late_filings(unit, year, quarter)
    late_accounts = list(late[:LATE_LISTED])
    return {"year": year, "quarter": quarter, "children": children, "types": types, "pending": pending, "own": own,
            "today": today, "overdue": [s for s in pending if s.is_overdue(today)], "late_accounts": late_accounts,
            "late_count": len(late_accounts) if len(late_accounts) < LATE_LISTED else late.count()}


LATE_LISTED = 500  # 逾期备案 accounts listed on the page and in the .docx (the count covers all)


def circular_data(unit, overview: dict) -> dict:
    """Overview figures, problems by kind, per child unit, the failing accounts and the overdue units."""

    year, quarter = overview["year"], overview["quarter"]
    reported = reported_items(unit, year, quarter).select_related("sheet")
    rows = list(reported)
    checked = [r for r in rows if not r.unregistered]
    failed = [r for r in checked if r.passed is False]
    problems = Counter(p for r in failed for p in r.problems)
    from monitoring.indicators import failures_by_indicator, quarter_period  # issue 27: the monitored indicators

    return {
        "indicators": failures_by_indicator(unit, quarter_period(year, quarter)),
        "unit": unit, "year": year, "quarter": quarter,
        "checked": len(checked), "failed": len(failed), "rate": pass_rate(len(checked), len(failed)),
        "unregistered": [r for r in rows if r.unregistered],
        "types": overview["types"], "problems": problems.most_common(), "children": overview["children"],
        "failing": failed, "overdue": overview["overdue"], "late_accounts": overview["late_accounts"],
        "late_count": overview["late_count"],
        "title": f"关于{year}年第{quarter}季度政府网站和政务新媒体检查情况的通报",
    }


def circular_body(data: dict) -> str:
    """The circular's text, generated from the figures: the salutation, the summary, the request."""
    rate = data["rate"] if data["rate"] is not None else "—"
    return "\n".join([
        f"{data['unit'].name}管理范围内各单位：",
        f"{data['year']}年第{data['quarter']}季度，共检查政府网站和政务新媒体 {data['checked']} 个，"
        f"不合格 {data['failed']} 个，合格率 {rate}%；检查中发现未备案账号 {len(data['unregistered'])} 个；"
        f"逾期未报送单位 {len(data['overdue'])} 个；开设后超过3个工作日才提交备案的账号 {data['late_count']} 个。"
        "现将有关情况通报如下。",
        "请各单位对照检查指标，对存在的问题立即整改，未备案账号及时备案或关停。",
    ])


def _table(doc, headers, rows):
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = "" if value is None else str(value)
    return table


def circular_docx(data: dict, title: str | None = None, body: str | None = None) -> bytes:
    """The .docx: the title and text (generated, or as the unit edited them), then the tables."""
    from docx import Document

    doc = Document()
    doc.add_heading(title or data["title"], level=1)
    for line in (circular_body(data) if body is None else body).splitlines():
        if line.strip():
            doc.add_paragraph(line.strip())
    doc.add_heading("一、总体情况（按类型）", level=2)
    _table(doc, ["类型", "检查数量", "不合格数量", "合格率(%)"],
           [[t["type_label"], t["checked"], t["failed"], t["rate"] if t["rate"] is not None else "—"] for t in data["types"]])
    doc.add_heading("二、各单位情况", level=2)
    _table(doc, ["单位名称", "状态", "检查数量", "不合格数量", "合格率(%)", "未备案账号"],
           [[s.unit_name, s.get_status_display(), s.checked_count if s.is_done else "—", s.failed_count if s.is_done else "—",
             (s.pass_rate if s.pass_rate is not None else "—") if s.is_done else "—", s.unregistered_count if s.is_done else "—"]
            for s in data["children"]])
    doc.add_heading("三、存在的突出问题", level=2)
    _table(doc, ["问题", "数量"], [[p, n] for p, n in data["problems"]])
    doc.add_paragraph("自动监测按检查指标判定的不合格数量：")   # issue 27 (monitoring.indicators)
    _table(doc, ["对象", "检查指标", "指标类型", "不合格数量"],
           [[i["indicator"].get_subject_display(), i["indicator"].name, "单项否决" if i["indicator"].veto else "扣分项",
             i["count"]] for i in data.get("indicators", [])])
    doc.add_heading("四、不合格的网站和新媒体", level=2)
    _table(doc, ["填报单位", "类型", "名称", "存在的突出问题", "整改情况"],
           [[r.sheet.unit_name, r.type_label, r.name, r.problems_display, r.rectification] for r in data["failing"]])
    doc.add_heading("五、未备案账号", level=2)
    _table(doc, ["填报单位", "类型", "名称", "链接", "处理情况"],
           [[r.sheet.unit_name, r.type_label, r.name, r.link, r.rectification] for r in data["unregistered"]])
    doc.add_heading("六、逾期未报送单位", level=2)
    _table(doc, ["单位名称", "所属组织单位", "截止日期"],
           [[s.unit_name, s.supervisor_name, f"{s.due_date:%Y-%m-%d}"] for s in data["overdue"]])
    doc.add_heading("七、逾期备案账号（开设后超过3个工作日提交备案）", level=2)
    _table(doc, ["填报单位", "类型", "名称", "开设时间", "提交日期"],
           [[a.filer_unit.name, a.type_display, a.name, f"{a.opened_on:%Y-%m-%d}", f"{a.submitted_on:%Y-%m-%d}"]
            for a in data["late_accounts"]])
    doc.add_paragraph(data["unit"].name)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def circular_for(user, year: int, quarter: int) -> dict:
    return circular_data(user.org_unit, quarter_overview(user, year, quarter))


def notice_docx(user, notice: Notice) -> tuple[str, bytes]:
    """The .docx of a 通报 notice: today's figures of the quarter, the notice's (edited) title and text."""
    data = circular_for(user, notice.circular_year, notice.circular_quarter)
    return f"{notice.title}.docx", circular_docx(data, title=notice.title, body=notice.body)


@transaction.atomic
def start_circular_notice(user, year: int, quarter: int) -> Notice:
    """生成通报: the unit's draft notice for the quarter (the one already drafted, if any), its text
    generated from the figures, addressed to the unit's direct children (its towns and departments)."""
    from .services import _sender_of

    sender = _sender_of(user)
    draft = Notice.objects.select_for_update().filter(sender=sender, circular_year=year, circular_quarter=quarter,
                                                      status=Notice.Status.DRAFT).first()
    if draft is not None:
        return draft
    data = circular_for(user, year, quarter)
    return Notice.objects.create(sender=sender, title=data["title"], body=circular_body(data), menu_label="检查通报",
                                 audience=Notice.Audience.CHILDREN, circular_year=year, circular_quarter=quarter)
