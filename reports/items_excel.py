"""检查结果信息表 as Excel: export of a report's rows, its import template, and the all-or-nothing import."""
from govmedia.common.xlsx import workbook_bytes

from .models import PROBLEMS, SpotCheckItem

HEADERS = ["序号", "新媒体标识码", "新媒体类型", "新媒体名称", "开设单位", "是否合格", "存在的突出问题（仅不合格的填写）", "整改情况"]
PREAMBLE_ROWS = 3
NOTE = ("注：新媒体标识码须为本单位管理范围内已报送的账号；是否合格填“合格”或“不合格”；存在的突出问题可多选，用“；”分隔，取值："
        + "、".join(PROBLEMS) + "（选“其他”时写作“其他（说明）”）。")


def preamble(report) -> list[str]:
    return [f"填报单位：{report.org_unit.name}", f"填表人：{report.filler_name}", f"联系电话：{report.filler_phone}"]


def export_items(report) -> bytes:
    rows = ([n, i.media_code, i.type_label, i.name, i.operator, "合格" if i.passed else "不合格", i.problems_display,
             i.rectification] for n, i in enumerate(report.items.all(), start=1))
    return workbook_bytes([{"title": "检查结果信息表", "headers": HEADERS, "rows": rows, "preamble": preamble(report),
                            "widths": [6, 20, 14, 24, 24, 10, 40, 40]}])


def template(report) -> bytes:
    example = [[1, "（示例，请删除）110108M001WX0001", "微信订阅号", "上庄发布", "海淀区上庄镇政府", "不合格", "监测时间点前2周无更新", "已督促更新"]]
    return workbook_bytes([{"title": "检查结果信息表", "headers": HEADERS, "rows": example, "preamble": preamble(report),
                            "widths": [6, 20, 14, 24, 24, 10, 40, 40]}, {"title": "填写说明", "headers": [NOTE], "rows": []}])


MAX_ROWS = 5000


def parse_items(content: bytes, subjects_in_scope, already: set[str] = frozenset(),
                code_field: str = "media_code") -> tuple[list[dict], list[tuple[int, str, str]]]:
    """Rows ready for SpotCheckItem, or the errors (行数, 列, 错误信息); every row checked first.
    `already`: media codes the report holds (importing the same file twice adds nothing twice)."""
    from accounts_media.imports import read_sheet

    try:
        table = read_sheet(content, "检查结果信息表", max_rows=PREAMBLE_ROWS + 1 + MAX_ROWS + 1)
    except Exception:
        return [], [(0, "", "无法读取该文件：文件已损坏或不是 Excel 文件。")]
    if len(table) > PREAMBLE_ROWS + 1 + MAX_ROWS:
        return [], [(0, "", f"数据超过 {MAX_ROWS} 行：请分成多个文件导入。")]
    header_at = PREAMBLE_ROWS
    if len(table) <= header_at or [str(v).strip() for v in table[header_at][:2]] != HEADERS[:2]:
        return [], [(0, "", "表头与模板不一致：请使用“下载模板”得到的检查结果信息表填写。")]
    rows, errors, codes = [], [], []
    for number, values in enumerate(table[header_at + 1:], start=header_at + 2):
        cells = [("" if v is None else str(v)).strip() for v in list(values) + [""] * 8][:8]
        if not any(cells[1:]):
            continue
        codes.append((number, cells))
    from .services import item_subject

    by_code = {getattr(a, code_field): a for a in subjects_in_scope.filter(**{f"{code_field}__in": [c[1][1] for c in codes]})}
    seen = set()
    for number, cells in codes:
        _, code, _, _, _, verdict, problems_text, rectification = cells
        account = by_code.get(code)
        before = len(errors)
        if account is None:
            errors.append((number, "新媒体标识码", f"“{code}”不是本单位管理范围内已报送的账号或网站" if code else "标识码不能为空"))
        elif code in seen:
            errors.append((number, "新媒体标识码", "同一账号在表中重复"))
        elif code in already:
            errors.append((number, "新媒体标识码", "该账号已在本报告的检查结果中"))
        seen.add(code)
        if verdict not in ("合格", "不合格"):
            errors.append((number, "是否合格", "只能填写“合格”或“不合格”"))
        problems, other = [], ""
        for part in [p.strip() for p in problems_text.replace(";", "；").split("；") if p.strip()]:
            if part.startswith("其他"):
                problems.append("其他")
                other = part[2:].strip("（）() ")
            elif part in PROBLEMS:
                problems.append(part)
            else:
                errors.append((number, "存在的突出问题", f"“{part}”不是规定的问题类型"))
        if verdict == "不合格" and not problems:
            errors.append((number, "存在的突出问题", "不合格的账号须填写存在的突出问题"))
        if len(errors) == before:
            passed = verdict == "合格"
            rows.append({**item_subject(account), "passed": passed, "problems": [] if passed else problems,
                         "problem_other": "" if passed else other, "rectification": rectification[:500]})
    if not rows and not errors:
        errors.append((0, "", "表中没有检查结果：请从第5行起填写。"))
    return rows, errors


__all__ = ["SpotCheckItem", "export_items", "parse_items", "template"]
