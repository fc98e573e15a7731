"""批量导入: the manual's template (地区下载 / 部委下载), and the all-or-nothing import.

Every row is validated (required fields, enumerations, link and platform id, duplicates in the
file and in the registry) before anything is written; one error anywhere and nothing is saved,
the errors come back with the sheet's own row numbers. A clean file is written in one
transaction through the workflow's bulk creation (暂存 → 未提交, 提交 → 添加待审核).
"""
import io
from dataclasses import dataclass, field

from django.db import IntegrityError

from accounts.validators import MOBILE_RE
from govmedia.common import sheets

from .models import MediaAccount
from .platforms import ACCOUNT_TYPES, TYPE_BY_CODE, PlatformIdError, extract_platform_id, parse_type_label
import re
from datetime import date
from django.db.models import Q
from django.utils import timezone
from govmedia.common.xlsx import template_workbook, workbook_bytes
from reviews.engine import TransitionError
from .services import create_many

MAX_ROWS = 5000
NOTE = "注：请严格按照《报送表格填写须知》填写本表格。"
SHEET = "新媒体账号信息"
HEADER_ROW, SUB_HEADER_ROW, FIRST_DATA_ROW = 2, 3, 4   # in the template; an import finds the header by its content


def _limit(name):
    return MediaAccount._meta.get_field(name).max_length   # the same limits as the single-add form


Column = sheets.Column
COLUMNS = [
    Column("*账号名称", max_length=_limit("name")), Column("*开设主体", max_length=_limit("operator")),
    Column("*账号类型"), Column("*其他账号类型/平台名称", max_length=_limit("platform_name")),
    Column("*账号是否代表省/市/县（区）人民政府或国务院部门"),
    Column("*是否包含以下功能", "信息发布"), Column("*是否包含以下功能", "办事服务"), Column("*是否包含以下功能", "互动交流"),
    Column("*文章URL/主页URL/下载URL", max_length=_limit("url")),
    Column("账号联系人", "姓名", label="账号联系人姓名", max_length=_limit("contact_name")),
    Column("账号联系人", "职务", label="账号联系人职务", max_length=_limit("contact_title")),
    Column("账号联系人", "手机", label="账号联系人手机", max_length=_limit("contact_mobile")),
    Column("开设时间", optional=True),  # optional, last: files from the template before it still read
]
LAYOUT = sheets.Layout(
    sheet=SHEET, columns=tuple(COLUMNS), max_rows=MAX_ROWS,
    expected="【批量导入】-【下载模板】下载的模板（第1行为注释，第2–3行为表头，从第4行起每行一个账号）",
    empty_message="文件中没有数据行：请在表头下方（模板从第4行起）每行填写一个账号，并删除示例行。")
TYPE_WORDS = (["微信订阅号", "微信服务号"] + [t.list_label for t in ACCOUNT_TYPES[1:]])
YES, NO = "是", "否"

EXAMPLES = {
    "region": [
        ["南京公安", "南京市公安局", "微信订阅号", "", YES, YES, YES, YES,
         "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&mid=2247484158&idx=1", "张三", "科员", "13800000000"],
        ["平安南京", "南京市公安局", "新浪微博", "", NO, YES, NO, YES, "https://weibo.com/u/2265830070", "", "", ""],
        ["南京公安警媒汇", "南京市公安局新闻中心", "抖音短视频", "", NO, YES, NO, YES,
         "https://www.douyin.com/user/MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE", "", "", ""],
    ],
    "ministry": [
        ["国家税务总局", "国家税务总局办公厅", "微信订阅号", "", YES, YES, YES, YES,
         "https://mp.weixin.qq.com/s?__biz=MjM5NjA1MjQ0MA==&mid=3", "李四", "干部", "13900000000"],
        ["山西税务", "国家税务总局山西省税务局", "新浪微博", "", NO, YES, NO, YES, "https://weibo.com/u/1234567890", "", "", ""],
        ["12366纳税服务", "国家税务总局纳税服务司", "小程序", "微信小程序", NO, NO, YES, NO,
         "weixin://dl/business/?appid=wx4e1ba651bbe36d01", "", "", ""],
    ],
}
INSTRUCTIONS = {
    "common": [
        "1. 带 * 的列为必填项；“账号联系人”各列可按上级组织单位要求填写。",
        "2. 请删除示例行后，从第4行起每行填写一个新媒体账号，不要修改表头、不要插入空行或合并单元格。",
        "3. 账号类型只能从下拉列表中选择：" + "、".join(TYPE_WORDS) + "。",
        "4. 账号类型为“小程序”或“其他”时，必须填写“其他账号类型/平台名称”（如：微信小程序、支付宝小程序）。",
        "5. “账号是否代表省/市/县（区）人民政府或国务院部门”及三项功能只能填写“是”或“否”，至少一项功能为“是”。",
        "6. 文章URL/主页URL/下载URL：微信公众号请粘贴电脑端“复制链接”得到的含 __biz= 的文章链接或公众号主页链接；"
        "微博、抖音、快手、B站、小红书等请粘贴账号主页链接；移动客户端请粘贴应用商店下载页链接。短链接（如 v.douyin.com、b23.tv、t.cn）无法识别账号，请勿使用。",
        "7. 同一账号（账号类型与账号ID相同）在全国只能报送一次；文件中任何一行有误，整份文件均不会导入，请按错误详情修改后重新导入。",
        f"8. 每次最多导入 {MAX_ROWS} 行，文件不超过 5 MB，仅支持 .xlsx 格式。",
        "9. 开设时间（选填）：账号在平台上开设的日期，如 2026-03-02；新开设的账号应在开设后3个工作日内提交备案。",
    ],
    "region": ["地区模板：适用于省、市、县各级地方政府部门及其下属单位（开设主体如：南京市公安局、南京市公安局交通管理局）。",
               "账号代表省/市/县（区）人民政府的填“是”，代表地方政府所属部门的填“否”。"],
    "ministry": ["部委模板：适用于国务院部门及其垂直管理机构（开设主体如：国家税务总局山西省税务局）。",
                 "账号代表国务院部门的填“是”，代表部门内设、下属机构的填“否”。"],
}


def build_template(kind: str) -> bytes:
    """The 地区 / 部委 template: note row, two header rows, drop-downs, example rows, 须知 sheet
    (written by the one template writer, govmedia.common.xlsx.template_workbook)."""
    out = io.BytesIO()
    wb = template_workbook(out)
    ws = wb.add_worksheet(SHEET)
    ws.merge_range(0, 0, 0, len(COLUMNS) - 1, NOTE, wb.add_format({"bold": True, "font_color": "#C00000"}))
    head = wb.add_format({"bold": True, "bg_color": "#DDE6F5", "align": "center", "valign": "vcenter", "text_wrap": True})
    top, sub = HEADER_ROW - 1, SUB_HEADER_ROW - 1  # 0-based rows
    groups: dict[str, list[int]] = {}
    for col, column in enumerate(COLUMNS):
        if column.sub is None:
            ws.merge_range(top, col, sub, col, column.title, head)
        else:
            groups.setdefault(column.title, []).append(col)
            ws.write_string(sub, col, column.sub, head)
    for title, cols in groups.items():  # *是否包含以下功能 and 账号联系人 over their sub-columns
        if len(cols) > 1:
            ws.merge_range(top, cols[0], top, cols[-1], title, head)
        else:
            ws.write_string(top, cols[0], title, head)
    for col, width in enumerate((18, 24, 14, 18, 22, 10, 10, 10, 48, 10, 10, 14, 12)):
        ws.set_column(col, col, width)
    for offset, example in enumerate(EXAMPLES[kind]):
        for col, value in enumerate(example):
            if value != "":
                ws.write_string(FIRST_DATA_ROW - 1 + offset, col, value)
    first, last = FIRST_DATA_ROW - 1, FIRST_DATA_ROW + MAX_ROWS - 2
    ws.data_validation(first, 2, last, 2, {"validate": "list", "source": list(TYPE_WORDS), "ignore_blank": True,
                                           "error_title": "账号类型", "error_message": "请从下拉列表中选择账号类型"})
    ws.data_validation(first, 4, last, 7, {"validate": "list", "source": [YES, NO], "ignore_blank": True,
                                           "error_message": "请填写“是”或“否”"})
    ws.freeze_panes(FIRST_DATA_ROW - 1, 0)
    notes = wb.add_worksheet("报送表格填写须知")
    notes.set_column(0, 0, 120)
    notes.write_string(0, 0, "报送表格填写须知（" + ("地区" if kind == "region" else "部委") + "模板）",
                       wb.add_format({"bold": True, "font_size": 14}))
    wrap = wb.add_format({"text_wrap": True})
    for row, line in enumerate(INSTRUCTIONS[kind] + INSTRUCTIONS["common"], start=1):
        notes.write_string(row, 0, line, wrap)
    wb.close()
    return out.getvalue()


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)   # (行数, 列, 错误信息)
    message: str = ""                                                  # a whole-file refusal

    @property
    def ok(self) -> bool:
        return not self.errors and not self.message


PROGRESS_EVERY = 500


def parse_and_validate(content: bytes, progress=None) -> ImportResult:
    """Every row of the file checked (govmedia.common.sheets reads it: header found by content,
    every non-empty row accounted for, over-long values and control characters reported).
    `progress(rows_checked, rows_total)`, if given, is called every PROGRESS_EVERY rows and at the
    end (for a job that shows how far the check has come)."""
    result = ImportResult()
    try:
        sheet = sheets.read(content, LAYOUT)
    except sheets.SheetError as exc:
        result.message = exc.message
        return result
    errors: list[tuple[int, str, str]] = []
    seen: dict[tuple[str, str], int] = {}
    total = len(sheet.rows)
    for done, line in enumerate(sheet.rows):
        if progress is not None and done % PROGRESS_EVERY == 0 and done:
            progress(done, total)
        row = _validate_row(line.number, line.cells, errors)
        if row is None:
            continue
        key = (row["account_type"], row["platform_id"])
        if key in seen:
            errors.append((line.number, "*文章URL/主页URL/下载URL", f"与第 {seen[key]} 行是同一账号，不能重复导入"))
            continue
        seen[key] = line.number
        result.rows.append(row)
    bad = sheet.bad_cells()   # a cell the reader refused is reported once, by the reader
    result.errors = sheet.errors + [e for e in errors if (e[0], e[1]) not in bad]
    _check_registry(result)
    if progress is not None:
        progress(total, total)
    return result


def _validate_row(n: int, cells: list[str], errors: list) -> dict | None:
    (name, operator, type_text, platform_name, represents, publish, service, interact, url, c_name, c_title, c_mobile,
     opened_text) = cells
    before = len(errors)

    def need(value, column, message=None):
        if not value:
            errors.append((n, column, message or f"{column.lstrip('*')}不能为空"))

    need(name, "*账号名称")
    need(operator, "*开设主体")
    need(url, "*文章URL/主页URL/下载URL")
    code = wechat_kind = None
    if not type_text:
        errors.append((n, "*账号类型", "账号类型不能为空"))
    else:
        try:
            code, wechat_kind, folded_name = parse_type_label(type_text)
            platform_name = platform_name or folded_name
        except ValueError:
            errors.append((n, "*账号类型", f"账号类型“{type_text}”不正确，请从下拉列表中选择"))
    if code == "WX" and not wechat_kind:
        errors.append((n, "*账号类型", "微信公众号请选择“微信订阅号”或“微信服务号”"))
    if code and TYPE_BY_CODE[code].needs_platform_name and not platform_name:
        errors.append((n, "*其他账号类型/平台名称", "账号类型为小程序或其他时，必须填写其他账号类型/平台名称"))
    flags = {}
    for column, value in (("*账号是否代表省/市/县（区）人民政府或国务院部门", represents), ("信息发布", publish),
                          ("办事服务", service), ("互动交流", interact)):
        if value not in (YES, NO):
            errors.append((n, column, f"只能填写“是”或“否”（当前为“{value}”）" if value else f"{column.lstrip('*')}不能为空"))
        flags[column] = value == YES
    if all(v in (YES, NO) for v in (publish, service, interact)) and NO == publish == service == interact:
        errors.append((n, "*是否包含以下功能", "至少有一项功能为“是”"))
    if c_mobile and not MOBILE_RE.match(c_mobile):
        errors.append((n, "账号联系人手机", "手机号格式不正确，应为11位手机号"))
    opened_on = _opened_on(n, opened_text, errors)
    platform_id = ""
    if code and url:
        try:
            platform_id = extract_platform_id(code, url)
        except PlatformIdError as exc:
            errors.append((n, "*文章URL/主页URL/下载URL", str(exc)))
    if len(errors) > before:
        return None
    return {
        "row": n, "name": name, "operator": operator, "account_type": code, "wechat_kind": wechat_kind or "",
        "platform_name": platform_name if code and TYPE_BY_CODE[code].needs_platform_name else "",
        "url": url, "platform_id": platform_id,
        "represents_government": flags["*账号是否代表省/市/县（区）人民政府或国务院部门"],
        "func_publish": flags["信息发布"], "func_service": flags["办事服务"], "func_interact": flags["互动交流"],
        "func_other": False, "func_other_text": "",
        "contact_name": c_name, "contact_title": c_title, "contact_mobile": c_mobile, "contact_landline": "",
        "opened_on": opened_on,
    }


def _opened_on(n: int, text: str, errors: list) -> str:
    """开设时间 as an ISO date (kept as text: the checked rows wait in the job as JSON), or ""."""
    if not text:
        return ""
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?: 00:00:00)?", text)
    try:
        value = date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        value = None
    if value is None:
        errors.append((n, "开设时间", f"开设时间“{text}”格式不正确，应为日期，如 2026-03-02"))
        return ""
    if value > timezone.localdate():
        errors.append((n, "开设时间", "开设时间不能晚于今天"))
        return ""
    return value.isoformat()


def _check_registry(result: ImportResult) -> None:
    """Rows whose account is already registered anywhere in the country (one query per type)."""
    by_type: dict[str, dict[str, dict]] = {}
    for row in result.rows:
        by_type.setdefault(row["account_type"], {})[row["platform_id"]] = row
    for code, rows in by_type.items():
        taken = (MediaAccount.objects.filter(account_type=code, platform_id__in=list(rows), removed_at__isnull=True)
                 .select_related("filer_unit").only("platform_id", "filer_unit__name", "filer_unit__code"))
        for account in taken:
            row = rows[account.platform_id]
            result.errors.append((row["row"], "*文章URL/主页URL/下载URL",
                                  f"该账号已由“{account.filer_unit.name}”（{account.filer_unit.code}）报送，不能重复报送"))
    result.errors.sort()


def errors_workbook(errors) -> bytes:
    return workbook_bytes([{"title": "错误详情", "headers": ["行数", "列", "错误信息"], "rows": errors,
                            "widths": [8, 36, 90]}])


def import_rows(user, rows: list[dict], submit: bool) -> int:
    """Write every row in one transaction: 提交 (添加待审核) or 暂存 (未提交)."""
    data = [{**{k: v for k, v in row.items() if k != "row"},
             "opened_on": date.fromisoformat(row["opened_on"]) if row.get("opened_on") else None} for row in rows]
    try:
        return len(create_many(user, "submit" if submit else "save_draft", data))
    except IntegrityError:
        raise TransitionError(_conflict_message(user, data))


def _conflict_message(user, rows: list[dict]) -> str:
    """Why an import lost a race: its own earlier click (two quick 提交) or another unit."""
    keys = Q()
    for row in rows:
        keys |= Q(account_type=row.get("account_type"), platform_id=row.get("platform_id"))
    holders = set(MediaAccount.objects.filter(keys, removed_at__isnull=True).values_list("filer_unit_id", flat=True))
    if holders and holders <= {user.filer_unit_id}:
        return "这些账号已由本单位导入（可能重复点击了提交），未重复导入。请在列表中查看。"
    return "导入期间有账号已被其他单位报送，未导入任何数据，请重新导入以查看详情。"
