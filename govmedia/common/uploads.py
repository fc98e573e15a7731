"""Upload checks shared by every import and attachment: size, and type told by content."""
import io
import zipfile

XLSX_MAX_BYTES = 5 * 1024 * 1024
XLSX_MAX_UNPACKED = 60 * 1024 * 1024  # a 5,000-row template unpacks to a few MB; a zip bomb does not


class UploadError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_xlsx_upload(upload, max_bytes: int = XLSX_MAX_BYTES) -> bytes:
    """The bytes of an uploaded .xlsx, or UploadError: too large, or not an xlsx whatever its name."""
    if upload is None:
        raise UploadError("请选择要导入的 Excel 文件。")
    if upload.size > max_bytes:
        raise UploadError(f"文件过大：不能超过 {max_bytes // (1024 * 1024)} MB。")
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise UploadError(f"文件过大：不能超过 {max_bytes // (1024 * 1024)} MB。")
    if not is_xlsx(content):
        raise UploadError("文件格式不正确：请上传由模板填写的 .xlsx 文件（不支持 .xls、.csv 或其他格式）。")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if sum(info.file_size for info in archive.infolist()) > XLSX_MAX_UNPACKED:
            raise UploadError("文件内容过多：请按模板填写，每次不超过 5000 行。")
    return content


def is_xlsx(content: bytes) -> bool:
    """An xlsx is a zip holding xl/workbook.xml and [Content_Types].xml."""
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "xl/workbook.xml" in names and "[Content_Types].xml" in names


# Documents (季度报告, notice attachments): extension → what the content must be.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # .doc, .xls, .wps (compound file)
DOCUMENT_KINDS = {"pdf": "pdf", "doc": "ole", "xls": "ole", "wps": "ole", "docx": "docx", "xlsx": "xlsx"}


def content_kind(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(OLE2):
        return "ole"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_document(upload, max_bytes: int) -> tuple[bytes, str]:
    """A pdf, doc, docx, xls, xlsx or wps file whose content is what its name says; else UploadError."""
    if upload is None:
        raise UploadError("请选择要上传的文件。")
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_KINDS:
        raise UploadError("仅支持上传 pdf、doc、docx、xls、xlsx、wps 格式的文件。")
    if upload.size > max_bytes:
        raise UploadError(f"文件过大：不能超过 {max_bytes // (1024 * 1024)} MB。")
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise UploadError(f"文件过大：不能超过 {max_bytes // (1024 * 1024)} MB。")
    if content_kind(content) != DOCUMENT_KINDS[extension]:
        raise UploadError(f"文件内容与扩展名 .{extension} 不符：请上传真实的 pdf、doc、docx、xls、xlsx 或 wps 文件。")
    return content, name
