"""One reader for every spreadsheet import (批量导入 of media accounts, the 检查结果信息表).

It accounts for every row of the sheet: the header is found by its content (a one-row header,
or the manual's two-row header whose second row names the columns under a group title); the
rows above it may only be notes (one cell each); every non-empty row below it comes back with
its own sheet row number, wherever it is (after blank rows, past row 5,054, …); a file that
cannot be read that way is refused with a message saying what was expected. Cell values come
back as text: whole-number floats as the number they are (Excel stores 1100000001 and
13800000000 typed as numbers as floats), surrounding spaces removed. Cells that would be
changed on the way into the database are reported with row and column instead: values longer
than the field, control characters (NUL, also written as Excel's `_x0000_` escape), text that
begins with = (a formula typed as text), and content in columns the template does not have.
Calamine reads an Excel error value (#N/A, #REF! …) and a formula without a stored result as an
empty cell: those are found in the sheet's XML and named (issue #30), never reported as empty.

python-calamine (Rust) parses; it lays a sheet out densely (rows × columns), so a stray cell
at XFD1048576 would make it allocate hundreds of GB and abort the process: the sheet XML is
checked for such far cells first and the file refused naming the cell.
"""
import html
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook

MAX_UNPACKED = 60 * 1024 * 1024   # a 5,000-row file unpacks to a few MB; a zip bomb does not
MAX_CELLS = 2_000_000             # rows × columns calamine may lay out (≈64 MB); 5,000 × 12 is 60,000
HEADER_WITHIN = 10                # the header is looked for in the first rows


class SheetError(Exception):
    """The whole file is refused (not a row of it): the message says why and what is expected."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    title: str                       # the header as the template writes it (a group title for grouped columns)
    sub: str | None = None           # the title under the group, in the second header row
    label: str = ""                  # how errors name the column (default: sub, else title)
    max_length: int | None = None    # the database field's (and the single-add form's) limit
    multiline: bool = False          # line breaks and tabs are allowed inside (free text)
    aliases: tuple[str, ...] = ()    # other header texts accepted for the column
    optional: bool = False           # a trailing column a file made from an older template may lack

    @property
    def name(self) -> str:
        return self.label or self.sub or self.title


@dataclass(frozen=True)
class Layout:
    sheet: str                       # the sheet to read (else the first one)
    columns: tuple[Column, ...]
    expected: str                    # names the template in refusals, e.g. "【批量导入】-【下载模板】下载的模板"
    max_rows: int
    empty_message: str = "文件中没有数据行：请在表头下方填写数据后重新导入。"


@dataclass
class Row:
    number: int                      # the sheet's own row number
    cells: list[str]                 # one text per layout column


@dataclass
class Sheet:
    header_rows: tuple[int, ...]     # the header's sheet row numbers (one or two)
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)   # (行数, 列, 错误信息) found while reading

    def bad_cells(self) -> set[tuple[int, str]]:
        return {(row, column) for row, column, _ in self.errors}


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


# --- reading the workbook --------------------------------------------------------------------

_FAR_COLUMN = re.compile(rb' r="([A-Z]{2,3})([0-9]+)"')        # cells in column AA or beyond (rare)
_FAR_ROW = re.compile(rb' r="([A-Z]{0,3})([0-9]{5,})"')         # rows (or cells in rows) 10,000 and beyond (rare)
_VALUED_CELL = re.compile(rb' r="([A-Z]{1,3})([0-9]+)"[^>]*(?<!/)>')
_ROW_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*? r="([0-9]+)"')
_UNNAMED_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c(?:>|\s(?![^>]*\sr=")[^>]*(?<!/)>)')   # a valued cell without r=


def _check_extent(archive: zipfile.ZipFile) -> None:
    """Refuse a sheet whose cells reach so far that the dense layout would not fit in memory.
    Two scans that find nothing in an ordinary file (no cell beyond column Z or row 9,999); only
    when they do is the extent computed exactly, from the cells with a value (Excel writes
    formatted empty cells as `<c r=".." s=".."/>`, which calamine skips)."""
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        xml = archive.read(info)
        far_cols = _FAR_COLUMN.findall(xml)
        far_rows = _FAR_ROW.findall(xml)
        if not far_cols and not far_rows:
            continue
        width = max((_column_index(c) + 1 for c, _ in far_cols), default=26)
        height = max((int(r) for _, r in far_rows), default=9999)   # a row tag counts too: "" letters
        if width * height <= MAX_CELLS:
            continue
        cells = [(int(r), _column_index(c)) for c, r in _VALUED_CELL.findall(xml)]
        if _UNNAMED_CELL.search(xml):   # such a cell sits in its <row r="…">: take the farthest row
            cells += [(int(r), 0) for r in _ROW_TAG.findall(xml)]
        width = max((c for _, c in cells), default=0) + 1
        height = max((r for r, _ in cells), default=0)
        if width * height > MAX_CELLS:
            row, col = max(cells) if height > 9999 else max(cells, key=lambda rc: rc[1])
            raise SheetError(f"文件第 {row} 行（{column_letter(col)} 列）有内容，远超模板的范围：请删除表格下方或右侧多余的内容"
                             f"（可全选多余的行和列后删除）再重新导入。")


def _open(content: bytes, sheet_name: str) -> tuple[list[list], dict, dict]:
    """The chosen sheet's rows, a function per other sheet that reads it, and the cells calamine
    reads as empty that are not (`_hidden_values`)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetError("无法读取该文件：文件已损坏或不是 .xlsx 格式的 Excel 文件（.xls、.csv、改了扩展名的文本文件都不能导入）。")
    if "xl/workbook.xml" not in names:
        raise SheetError("无法读取该文件：这不是 .xlsx 格式的 Excel 文件（.xls、.csv、改了扩展名的文本文件都不能导入）。")
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
        raise SheetError("文件内容过多：请按模板填写，每次不超过 5000 行。")
    try:
        _check_extent(archive)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        chosen = sheet_name if sheet_name in workbook.sheet_names else workbook.sheet_names[0]
        rows = workbook.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
        hidden = _hidden_values(archive, chosen)
    except SheetError:
        raise
    except Exception:  # calamine's XmlError, ZipError, …: whatever it is, the file cannot be read
        raise SheetError("无法读取该文件：文件已损坏，请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。")

    def reader(name):
        def read_other():
            try:
                return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception:  # a chart sheet, an unreadable extra sheet: it holds no rows to import
                return []
        return read_other

    return rows, {name: reader(name) for name in workbook.sheet_names if name != chosen}, hidden


_TAG_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_SHEET_TAG = re.compile(rb"<" + _TAG_PREFIX + rb"sheet\s[^>]*>")
_RELATIONSHIP_TAG = re.compile(rb"<" + _TAG_PREFIX + rb"Relationship\s[^>]*>")
_FORMULA_TAG = re.compile(rb"<" + _TAG_PREFIX + rb"f[\s>/]")
_CELL = re.compile(rb"<" + _TAG_PREFIX + rb"c(\s[^>]*?)?(?:/>|>(.*?)</" + _TAG_PREFIX + rb"c>)", re.S)
_FORMULA = re.compile(rb"<" + _TAG_PREFIX + rb"f(?:\s[^>]*)?(?:/>|>(.*?)</" + _TAG_PREFIX + rb"f>)", re.S)
_VALUE = re.compile(rb"<" + _TAG_PREFIX + rb"v(?:\s[^>]*)?>(.*?)</" + _TAG_PREFIX + rb"v>", re.S)
_CELL_REF = re.compile(rb"([A-Z]{1,3})([0-9]+)")


def _attribute(tag: bytes, name: bytes) -> str | None:
    found = re.search(rb"\s" + name + rb'="([^"]*)"', tag)
    return html.unescape(found.group(1).decode("utf-8", "replace")) if found else None


def _sheet_xml(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """The XML of the sheet called `name` (workbook.xml names it, its relationships locate it)."""
    try:
        ids = {_attribute(tag, rb"name"): _attribute(tag, rb"(?:[A-Za-z_][\w.-]*:)?id")
               for tag in _SHEET_TAG.findall(archive.read("xl/workbook.xml"))}
        targets = {_attribute(tag, rb"Id"): _attribute(tag, rb"Target")
                   for tag in _RELATIONSHIP_TAG.findall(archive.read("xl/_rels/workbook.xml.rels"))}
        target = targets[ids[name]]
        return archive.read(target.lstrip("/") if target.startswith("/") else "xl/" + target)
    except (KeyError, AttributeError, zipfile.BadZipFile, OSError):
        return None   # an unusual package: the cells are read as calamine reads them


def _hidden_values(archive: zipfile.ZipFile, sheet_name: str) -> dict[tuple[int, int], tuple[str, str]]:
    """{(sheet row, column index): ("error", "#N/A") or ("formula", "=NA()")}: the cells calamine
    reads as empty although they hold an Excel error value, or a formula with no stored result (a
    file written by a program that does not calculate). Most files have neither: two byte
    searches, and only then a walk over the cells."""
    xml = _sheet_xml(archive, sheet_name)
    if xml is None or (b't="e"' not in xml and not _FORMULA_TAG.search(xml)):
        return {}
    found = {}
    for attrs, inner in _CELL.findall(xml):
        ref = _attribute(attrs or b"", rb"r")
        place = _CELL_REF.fullmatch(ref.encode()) if ref else None
        if place is None:
            continue
        formula = _FORMULA.search(inner) if inner else None
        value = _VALUE.search(inner) if inner else None
        shown = html.unescape(value.group(1).decode("utf-8", "replace")).strip() if value else ""
        key = (int(place.group(2)), _column_index(place.group(1)))
        if _attribute(attrs or b"", rb"t") == "e":
            found[key] = ("error", shown or "#N/A")
        elif formula is not None and not shown:
            text = html.unescape((formula.group(1) or b"").decode("utf-8", "replace"))
            found[key] = ("formula", "=" + text if text else "")
    return found


def _hidden_value_error(kind: str, text: str, name: str) -> str:
    if kind == "error":
        return f"{name}为 Excel 错误值 {text}，请填写{name}"
    shown = f"（{text[:40]}{'…' if len(text) > 40 else ''}）" if text else ""
    return f"{name}是公式{shown}，文件中没有它的计算结果：请把公式改为直接填写的{name}（可复制后“选择性粘贴-数值”）"


def _header_table(raw: list[list], width: int) -> list[list[str]]:
    """The rows where a header may stand, as text, one column beyond the layout (to see extras)."""
    return [[cell_text(v) for v in row[:width + 1]] for row in raw[:HEADER_WITHIN + 1]]


def _other_sheets_with_data(others: dict, layout) -> None:
    """Rows filled in on another sheet under the same header would not be imported: refuse."""
    width = len(layout.columns)
    for name, read_other in others.items():
        raw = read_other()
        try:
            header = _find_header(_header_table(raw, width), layout)
        except SheetError:
            continue   # not a sheet of this layout (the 须知 sheet, notes)
        count = sum(1 for row in raw[header[-1] + 1:] if any(cell_text(v) for v in row))
        if count:
            raise SheetError(f"工作表“{name}”也按模板填写了 {count} 行数据，但每次只导入一个工作表：请把数据合并到"
                             f"第一个工作表（或“{layout.sheet}”工作表），或分成多个文件导入。")


# --- cell values -------------------------------------------------------------------------------

_STRIP = " \t\r\n\u3000\xa0"
_ESCAPED_CONTROL = re.compile(r"_x00(?:0[0-8BCEFbcef]|1[0-9A-Fa-f])_")   # Excel's escape of a control character
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def cell_text(value) -> str:
    if value is None or value == "":
        return ""
    if type(value) is float:
        if value.is_integer():
            return str(int(value))   # 1100000001.0 → "1100000001"
        return repr(value)
    if type(value) is str:
        return value.strip(_STRIP)
    if type(value) is bool:
        return "TRUE" if value else "FALSE"
    return str(value).strip(_STRIP)


def _cell_error(text: str, column: Column) -> str | None:
    if text[:1] == "=":
        return "不能以 = 开头（疑似公式）"
    control = _CONTROL if column.multiline else _CONTROL_SINGLE_LINE
    if control.search(text) or _ESCAPED_CONTROL.search(text):
        found = control.search(text)
        what = f"U+{ord(found.group()):04X}" if found else _ESCAPED_CONTROL.search(text).group()
        if found and found.group() in "\r\n\t":
            return "含有换行符或制表符：请改为一行填写"
        return f"含有不可见的控制字符（{what}）：请删除后重新导入"
    if column.max_length is not None and len(text) > column.max_length:
        return f"不能超过 {column.max_length} 个字符（当前 {len(text)} 个）"
    return None


# --- the header -------------------------------------------------------------------------------

def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)   # full-width （） and ＊ → ( ) *
    return re.sub(r"\s+", "", text).lstrip("*").replace("(", "（").replace(")", "）")


def _group_starts(columns) -> list[bool]:
    """True where a column is the first of its group (or not grouped)."""
    return [i == 0 or not (c.sub and columns[i - 1].sub and columns[i - 1].title == c.title)
            for i, c in enumerate(columns)]


def _accepted(columns, starts) -> list[set[str]]:
    """For each column, the header texts that name it."""
    accepted = []
    for i, column in enumerate(columns):
        title = _norm(column.title)
        names = {title, _norm(column.name), *(_norm(a) for a in column.aliases)}
        if column.optional:
            names.add("")
        if column.sub:
            sub = _norm(column.sub)
            names |= {sub, title + sub, title + "-" + sub, title + "（" + sub + "）"}
            if not starts[i]:
                names.add("")   # a merged group title: the cells after its first are empty
        accepted.append(names)
    return accepted


def _sub_header_fits(cells: list[str], columns) -> bool:
    """The second row of a two-row header: the group columns carry their sub-titles, the others
    are empty (merged with the row above) or repeat their title."""
    if not any(c.sub for c in columns):
        return False
    for i, column in enumerate(columns):
        cell = _norm(cells[i]) if i < len(cells) else ""
        if column.sub:
            if cell != _norm(column.sub):
                return False
        elif cell not in ("", _norm(column.title)):
            return False
    return True


def _expected_header(layout: Layout) -> str:
    titles, subs, last = [], [], None
    for column in layout.columns:
        if column.title != last:
            titles.append(column.title)
        last = column.title
        if column.sub:
            subs.append(column.sub)
    text = "表头应为：“" + "、".join(titles) + "”"
    if subs:
        text += "，分组列的第二行表头为“" + "、".join(subs) + "”（也可只用一行表头，分组列直接写“" + "、".join(subs) + "”）"
    return text


def _find_header(table: list[list[str]], layout: Layout) -> tuple[int, ...]:
    columns = layout.columns
    accepted = _accepted(columns, _group_starts(columns))
    best = None   # (columns that match, row index, first wrong column)
    for index, cells in enumerate(table[:HEADER_WITHIN]):
        cells = [_norm(c) for c in cells] + [""] * (len(columns) - len(cells))
        fits = [cells[i] in accepted[i] for i in range(len(columns))]
        if all(fits):
            if index + 1 < len(table) and _sub_header_fits(table[index + 1], columns):
                return (index, index + 1)
            return (index,)
        matching = sum(1 for i, fit in enumerate(fits) if fit and cells[i])
        if matching >= 2 and (best is None or matching > best[0]):
            best = (matching, index, fits.index(False))
    if best is not None:
        _, index, wrong = best
        found = table[index][wrong] if wrong < len(table[index]) else ""
        raise SheetError(f"表头与模板不一致：第 {index + 1} 行第 {column_letter(wrong)} 列应为“{columns[wrong].name}”，"
                         f"实为“{found}”。{_expected_header(layout)}。请使用{layout.expected}填写。")
    raise SheetError(f"表头与模板不一致：表格前 {HEADER_WITHIN} 行中没有模板的表头。{_expected_header(layout)}。"
                     f"请使用{layout.expected}填写。")


# --- the whole sheet ----------------------------------------------------------------------------

def read(content: bytes, layout: Layout) -> Sheet:
    """The header and every non-empty row below it, or SheetError for the whole file."""
    raw, others, hidden = _open(content, layout.sheet)
    width = len(layout.columns)
    hidden_rows = {row for row, col in hidden if col < width}
    header = _find_header(_header_table(raw, width), layout)
    for index in range(header[0]):
        filled = [v for v in raw[index] if cell_text(v)]
        if len(filled) > 1:
            raise SheetError(f"第 {index + 1} 行在表头（第 {header[0] + 1} 行）之上，却填写了多列内容：表头之上只能是说明文字，"
                             f"数据请从表头下方开始填写。")
    sheet = Sheet(header_rows=tuple(i + 1 for i in header))
    for index in header:
        for col in range(width, len(raw[index])):
            if text := cell_text(raw[index][col]):
                raise SheetError(f"表头第 {index + 1} 行 {column_letter(col)} 列“{text}”不是模板的列：请删除该列，"
                                 f"或使用{layout.expected}填写。")
    columns = layout.columns
    errors, rows, limit = sheet.errors, sheet.rows, layout.max_rows
    limits = [(i, c.max_length) for i, c in enumerate(columns) if c.max_length]
    # The loop below runs once per row of a 5,000-row file: the common case (plain text, nothing
    # beyond the template's columns, no control character, nothing too long) costs a few checks.
    for index in range(header[-1] + 1, len(raw)):
        values = raw[index]
        cells = [v.strip(_STRIP) if type(v) is str else cell_text(v) for v in values[:width]]
        extra = [i for i in range(width, len(values)) if cell_text(values[i])] if len(values) > width else ()
        number = index + 1
        if not any(cells) and not extra and number not in hidden_rows:
            continue
        if len(rows) >= limit:
            raise SheetError(f"数据超过 {limit} 行（第 {number} 行是第 {limit + 1} 个数据行）："
                             f"每次最多导入 {limit} 行，请分成多个文件导入。")
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        joined = "".join(cells)
        suspect = (_CONTROL_SINGLE_LINE.search(joined) or "_x" in joined
                   or ("=" in joined and any(text[:1] == "=" for text in cells)))
        if not suspect:
            for i, n in limits:
                if len(cells[i]) > n:
                    suspect = True
                    break
        if suspect:
            for i, text in enumerate(cells):
                if text and (problem := _cell_error(text, columns[i])):
                    errors.append((number, columns[i].name, f"{columns[i].name.lstrip('*')}{problem}"))
        if number in hidden_rows:
            for i, column in enumerate(columns):
                if (number, i) in hidden and not cells[i]:
                    errors.append((number, column.name, _hidden_value_error(*hidden[number, i], column.name.lstrip("*"))))
        for i in extra:
            errors.append((number, f"{column_letter(i)} 列", "模板没有该列，其中的内容不会被导入：请删除或移到正确的列"))
        rows.append(Row(number, cells))
    if not rows:
        raise SheetError(layout.empty_message)
    _other_sheets_with_data(others, layout)
    return sheet


__all__ = ["Column", "Layout", "Row", "Sheet", "SheetError", "cell_text", "column_letter", "read"]
