"""检查结果信息表 as Excel: export of a report's rows, its import template, and the all-or-nothing import."""
from dataclasses import dataclass, field

from govmedia.common import sheets
from govmedia.common.xlsx import workbook_bytes

from .models import PROBLEMS, WEBSITE_PROBLEMS, SpotCheckItem
from .services import item_subject

HEADERS = ["序号", "新媒体标识码", "新媒体类型", "新媒体名称", "开设单位", "是否合格", "存在的突出问题（仅不合格的填写）", "整改情况"]
# A website report's rows name the site as the website manual does: 网站标识码 / 网站名称 / 首页网址 / 主办单位.
WEBSITE_HEADERS = ["序号", "网站标识码", "网站名称", "首页网址", "主办单位", "是否合格", "存在的突出问题（仅不合格的填写）", "整改情况"]
PREAMBLE_ROWS = 3
NOTE = ("注：新媒体标识码须为本单位管理范围内已报送的账号；是否合格填“合格”或“不合格”；存在的突出问题可多选，用“；”分隔，取值："
        + "、".join(PROBLEMS) + "（选“其他”时写作“其他（说明）”）。")
WEBSITE_NOTE = ("注：网站标识码须为本单位管理范围内已报送的网站；是否合格填“合格”或“不合格”；存在的突出问题可多选，用“；”分隔，取值："
                + "、".join(WEBSITE_PROBLEMS) + "（选“其他”时写作“其他（说明）”）。")


def is_website_report(report) -> bool:
    return report.kind == "website"


def headers_for(report) -> list[str]:
    return WEBSITE_HEADERS if is_website_report(report) else HEADERS


def preamble(report) -> list[str]:
    return [f"填报单位：{report.org_unit.name}", f"填表人：{report.filler_name}", f"联系电话：{report.filler_phone}"]


def export_items(report) -> bytes:
    website = is_website_report(report)
    items = report.items.select_related("website") if website else report.items.all()
    rows = ([n, i.media_code, *((i.name, i.homepage) if website else (i.type_label, i.name)), i.operator,
             "合格" if i.passed else "不合格", i.problems_display, i.rectification] for n, i in enumerate(items, start=1))
    return workbook_bytes([{"title": "检查结果信息表", "headers": headers_for(report), "rows": rows, "preamble": preamble(report),
                            "widths": [6, 20, 24 if website else 14, 30 if website else 24, 24, 10, 40, 40]}])


def template(report) -> bytes:
    if is_website_report(report):
        example = [[1, "（示例，请删除）1101080001", "北京市海淀区人民政府网", "https://www.bjhd.gov.cn", "北京市海淀区人民政府办公室",
                    "不合格", "其他（栏目长期未更新）", "已督促更新"]]
        note = WEBSITE_NOTE
    else:
        example = [[1, "（示例，请删除）110108M001WX0001", "微信订阅号", "上庄发布", "海淀区上庄镇政府", "不合格", "监测时间点前2周无更新", "已督促更新"]]
        note = NOTE
    return workbook_bytes([{"title": "检查结果信息表", "headers": headers_for(report), "rows": example, "preamble": preamble(report),
                            "widths": [6, 20, 14, 24, 24, 10, 40, 40]}, {"title": "填写说明", "headers": [note], "rows": []}])


MAX_ROWS = 5000
_field = SpotCheckItem._meta.get_field
LAYOUT = sheets.Layout(
    sheet="检查结果信息表", max_rows=MAX_ROWS,
    columns=(sheets.Column("序号"),
             sheets.Column("新媒体标识码", aliases=("网站标识码", "标识码"), max_length=_field("media_code").max_length),
             sheets.Column("新媒体类型"), sheets.Column("新媒体名称"), sheets.Column("开设单位"), sheets.Column("是否合格"),
             sheets.Column("存在的突出问题（仅不合格的填写）", label="存在的突出问题", aliases=("存在的突出问题",), multiline=True),
             sheets.Column("整改情况", max_length=_field("rectification").max_length, multiline=True)),
    expected="“下载模板”得到的检查结果信息表（第1–3行为填报单位、填表人、联系电话，第4行为表头）",
    empty_message="表中没有检查结果：请在表头下方（模板从第5行起）每行填写一个账号或网站，并删除示例行。")
WEBSITE_LAYOUT = sheets.Layout(
    sheet="检查结果信息表", max_rows=MAX_ROWS,
    columns=(sheets.Column("序号"),
             sheets.Column("网站标识码", aliases=("标识码",), max_length=_field("media_code").max_length),
             sheets.Column("网站名称"), sheets.Column("首页网址"), sheets.Column("主办单位"), sheets.Column("是否合格"),
             sheets.Column("存在的突出问题（仅不合格的填写）", label="存在的突出问题", aliases=("存在的突出问题",), multiline=True),
             sheets.Column("整改情况", max_length=_field("rectification").max_length, multiline=True)),
    expected="“下载模板”得到的检查结果信息表（第1–3行为填报单位、填表人、联系电话，第4行为表头）",
    empty_message="表中没有检查结果：请在表头下方（模板从第5行起）每行填写一个网站，并删除示例行。")


@dataclass
class ItemsImport:
    rows: list[dict] = field(default_factory=list)                    # ready for SpotCheckItem
    errors: list[tuple[int, str, str]] = field(default_factory=list)   # (行数, 列, 错误信息)
    message: str = ""                                                  # a whole-file refusal

    @property
    def ok(self) -> bool:
        return not self.errors and not self.message


def parse_items(content: bytes, subjects_in_scope, already: set[str] = frozenset(),
                code_field: str = "media_code", website: bool = False) -> ItemsImport:
    """Every row checked first (govmedia.common.sheets reads the file: every non-empty row is
    imported or reported). `already`: codes the report holds (importing a file twice adds nothing twice).
    `website`: a website report's sheet (网站标识码 …, the website indicators)."""
    result = ItemsImport()
    layout, allowed = (WEBSITE_LAYOUT, WEBSITE_PROBLEMS) if website else (LAYOUT, PROBLEMS)
    code_label = layout.columns[1].title
    try:
        sheet = sheets.read(content, layout)
    except sheets.SheetError as exc:
        result.message = exc.message
        return result
    codes = [row.cells[1] for row in sheet.rows if row.cells[1]]
    by_code = {getattr(a, code_field): a for a in subjects_in_scope.filter(**{f"{code_field}__in": codes})}
    other_limit = _field("problem_other").max_length
    errors: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for line in sheet.rows:
        number = line.number
        _, code, _, _, _, verdict, problems_text, rectification = line.cells
        before = len(errors)
        account = by_code.get(code)
        if not code:
            errors.append((number, code_label, "标识码不能为空" if any(line.cells[2:]) else
                           f"只填写了序号：请填写{code_label}等内容，或删除该行"))
        elif code in seen:
            errors.append((number, code_label, f"与第 {seen[code]} 行是同一{'网站' if website else '账号'}，不能重复填写"))
        elif account is None:
            errors.append((number, code_label, f"“{code}”不是本单位管理范围内已报送的账号或网站"))
        elif code in already:
            errors.append((number, code_label, f"该{'网站' if website else '账号'}已在本报告的检查结果中"))
        if code:
            seen.setdefault(code, number)
        if verdict not in ("合格", "不合格"):
            errors.append((number, "是否合格", "只能填写“合格”或“不合格”"))
        problems, other = [], ""
        for part in [p.strip() for p in problems_text.replace(";", "；").replace("\n", "；").split("；") if p.strip()]:
            if part.startswith("其他"):
                problems.append("其他")
                other = part[2:].strip("（）() ")
                if not other:
                    errors.append((number, "存在的突出问题", "选“其他”时须写明问题，如“其他（留言无回复）”"))
                elif len(other) > other_limit:
                    errors.append((number, "存在的突出问题", f"“其他”的说明不能超过 {other_limit} 个字符（当前 {len(other)} 个）"))
            elif part in allowed:
                problems.append(part)
            else:
                errors.append((number, "存在的突出问题", f"“{part}”不是规定的问题类型"))
        if verdict == "不合格" and not problems and problems_text == "":
            errors.append((number, "存在的突出问题", "不合格的账号须填写存在的突出问题"))
        if verdict == "合格" and problems_text:
            errors.append((number, "存在的突出问题", "合格的账号不填写存在的突出问题（仅不合格的填写）：请删除或改为“不合格”"))
        if len(errors) == before and account is not None:
            passed = verdict == "合格"
            result.rows.append({**item_subject(account), "passed": passed, "problems": problems, "problem_other": other,
                                "rectification": rectification})
    bad = sheet.bad_cells()   # a cell the reader refused is reported once, by the reader
    result.errors = sorted(sheet.errors + [e for e in errors if (e[0], e[1]) not in bad])
    if result.errors:
        result.rows = []
    return result


__all__ = ["ItemsImport", "SpotCheckItem", "export_items", "parse_items", "template"]
