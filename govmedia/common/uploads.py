"""Upload checks shared by every import and attachment: size, and type told by content."""
import io
import zipfile

XLSX_MAX_BYTES = 5 * 1024 * 1024


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
