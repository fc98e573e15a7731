"""季度通报: the circular an org unit publishes on its subtree's self-checks of a quarter, as a page
and as a .docx (python-docx)."""
import io
from collections import Counter

from .models import pass_rate
from .selectors import reported_items


def circular_data(unit, overview: dict) -> dict:
    """Overview figures, problems by kind, per child unit, the failing accounts and the overdue units."""

    year, quarter = overview["year"], overview["quarter"]
    reported = reported_items(unit, year, quarter).select_related("sheet")
    rows = list(reported)
    checked = [r for r in rows if not r.unregistered]
    failed = [r for r in checked if r.passed is False]
    problems = Counter(p for r in failed for p in r.problems)
    return {
        "unit": unit, "year": year, "quarter": quarter,
        "checked": len(checked), "failed": len(failed), "rate": pass_rate(len(checked), len(failed)),
        "unregistered": [r for r in rows if r.unregistered],
        "types": overview["types"], "problems": problems.most_common(), "children": overview["children"],
        "failing": failed, "overdue": overview["overdue"], "late_accounts": overview["late_accounts"],
        "title": f"关于{year}年第{quarter}季度政府网站和政务新媒体检查情况的通报",
    }


def _table(doc, headers, rows):
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = "" if value is None else str(value)
    return table


def circular_docx(data: dict) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(data["title"], level=1)
    doc.add_paragraph(f"{data['unit'].name}管理范围内各单位：")
    rate = data["rate"] if data["rate"] is not None else "—"
    doc.add_paragraph(
        f"{data['year']}年第{data['quarter']}季度，共检查政府网站和政务新媒体 {data['checked']} 个，"
        f"不合格 {data['failed']} 个，合格率 {rate}%；检查中发现未备案账号 {len(data['unregistered'])} 个；"
        f"逾期未报送单位 {len(data['overdue'])} 个；开设后超过3个工作日才提交备案的账号 {len(data['late_accounts'])} 个。"
        "现将有关情况通报如下。")
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
    doc.add_paragraph("请各单位对照检查指标，对存在的问题立即整改，未备案账号及时备案或关停。")
    doc.add_paragraph(data["unit"].name)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
