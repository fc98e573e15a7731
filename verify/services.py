"""Open data: the daily snapshot of every 正常 account and website (public fields only).

`publish_open_data(today)` writes, through Django's default_storage (shared by every app
server), `opendata/<date>/accounts.csv|json`, `websites.csv|json` and, last, `manifest.json`
(date, counts, sizes, sha256 checksums); it removes the days older than OPEN_DATA_KEEP_DAYS.
Run daily by the scheduler, or by hand: `manage.py publish_open_data`.
"""
import csv
import hashlib
import io
import json
import re
import tempfile
from datetime import date, timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from . import records as R
from .schemas import open_data_schema
from django.core.files.base import ContentFile
from orgtree.models import OrgUnit
from . import accountability

CHUNK = 2000
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ACCOUNT_COLUMNS = [("media_code", "新媒体标识码"), ("name", "账号名称"), ("type", "账号类型"), ("platform_id", "账号ID"),
                   ("holder", "填报单位全称"), ("org1", "省/部"), ("org2", "市/省局"), ("org3", "区县"),
                   ("status_label", "状态"), ("since", "起始日期"), ("url", "账号链接")]
WEBSITE_COLUMNS = [("site_code", "网站标识码"), ("name", "网站名称"), ("homepage", "首页网址"), ("holder", "主办单位"),
                   ("org1", "省/部"), ("org2", "市/省局"), ("org3", "区县"), ("status_label", "运行状态"),
                   ("since", "起始日期")]
FILES = {"accounts": ACCOUNT_COLUMNS, "websites": WEBSITE_COLUMNS}


# A cell a spreadsheet would read as a formula (= + - @, or a tab / carriage return before one)
# is written with a leading apostrophe, as OWASP advises for CSV; a plain number stays as it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not NUMBER.match(text):
        return "'" + text
    return text


def folder(day: date | str) -> str:
    return f"{settings.OPEN_DATA_PREFIX}/{day}"


def _all_org_names() -> dict[str, str]:
    return dict(OrgUnit.objects.values_list("code", "name"))


def _records(kind: str, names: dict[str, str]):
    if kind == "accounts":
        qs = R.registered_accounts().filter(R.normal_accounts_q()).order_by("media_code")
        build = R.account_record
    else:
        qs = R.registered_websites().filter(R.normal_websites_q()).order_by("site_code")
        build = R.website_record
    for obj in qs.iterator(chunk_size=CHUNK):
        yield build(obj, names)


class _Hashing(io.RawIOBase):
    """A binary sink that hashes and counts what passes into a spooled temporary file."""

    def __init__(self):
        self.file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        return self.file.write(data)


def _save(name: str, sink: _Hashing) -> None:
    sink.file.seek(0)
    if default_storage.exists(name):
        default_storage.delete(name)  # a second run of the day replaces its files
    saved = default_storage.save(name, File(sink.file, name=name.rsplit("/", 1)[-1]))
    if saved != name:
        raise RuntimeError(f"open data: {name} was stored as {saved}")
    sink.file.close()


def _write(kind: str, day: date, names: dict[str, str]) -> dict:
    columns = FILES[kind]
    csv_sink, json_sink = _Hashing(), _Hashing()
    csv_text = io.TextIOWrapper(csv_sink, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(csv_text)
    writer.writerow([label for _, label in columns])
    json_sink.write(('{"date": "%s", "kind": "%s", "items": [' % (day, kind)).encode())
    count = 0
    for record in _records(kind, names):
        chain = record["org_chain"] + ["", "", ""]
        row = {**record, "org1": chain[0], "org2": chain[1], "org3": chain[2]}
        writer.writerow([safe_cell(row[key]) for key, _ in columns])
        json_sink.write(((", " if count else "\n") + json.dumps(R.public(record), ensure_ascii=False)).encode())
        count += 1
    json_sink.write(('\n], "count": %d}\n' % count).encode())
    csv_text.flush()
    files = {}
    for ext, sink in (("csv", csv_sink), ("json", json_sink)):
        name = f"{kind}.{ext}"
        files[name] = {"size": sink.size, "sha256": sink.sha.hexdigest()}
        _save(f"{folder(day)}/{name}", sink)
    csv_text.detach()
    return {"count": count, "files": files}


def _write_accountability(day: date) -> dict:
    """accountability.csv: the figures per org unit and quarter (verify.accountability)."""
    rows = accountability.rebuild(day)
    sink = _Hashing()
    text = io.TextIOWrapper(sink, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([title for _, title, _ in accountability.COLUMNS])
    for row in rows:
        writer.writerow([safe_cell("" if row[key] is None else row[key]) for key, _, _ in accountability.COLUMNS])
    text.flush()
    info = {"size": sink.size, "sha256": sink.sha.hexdigest()}
    _save(f"{folder(day)}/accountability.csv", sink)
    text.detach()
    return {"count": len(rows), "files": {"accountability.csv": info}}


def _string_schema(columns, dates=("since",)) -> dict:
    return {"fields": [{"name": title, "title": key, "type": "date" if key in dates else "string"}
                       for key, title in columns], "missingValues": [""]}


def datapackage(day: date, files: dict) -> dict:
    """The Frictionless Data Package descriptor of the day's CSV files (with their sizes and hashes)."""
    def resource(name, title, schema):
        info = files[name]
        return {"name": name.split(".")[0], "path": name, "title": title, "format": "csv", "mediatype": "text/csv",
                "encoding": "utf-8-sig", "bytes": info["size"], "hash": f"sha256:{info['sha256']}", "schema": schema}

    return {
        "name": f"govmedia-{day}", "title": f"全国政务新媒体与政府网站开放数据（{day}）",
        "description": "正常状态的政务新媒体账号与政府网站（公开字段），以及各组织单位按季度的履职数据。见 docs/api.md。",
        "created": timezone.localtime().isoformat(timespec="seconds"),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [
            resource("accounts.csv", "政务新媒体账号", _string_schema(ACCOUNT_COLUMNS)),
            resource("websites.csv", "政府网站", _string_schema(WEBSITE_COLUMNS)),
            resource("accountability.csv", "各组织单位履职数据（按季度）", accountability.table_schema()),
        ],
    }


def publish_open_data(today: date | None = None) -> dict:
    """Write the snapshot of `today` (Beijing date) and drop the days past the kept window.

    Returns the manifest."""
    today = today or timezone.localdate()
    names = _all_org_names()
    manifest = {"date": today.isoformat(), "generated_at": timezone.localtime().isoformat(timespec="seconds"),
                "counts": {}, "files": {}}
    for kind in FILES:
        written = _write(kind, today, names)
        manifest["counts"][kind] = written["count"]
        manifest["files"].update(written["files"])
    written = _write_accountability(today)
    manifest["counts"]["accountability"] = written["count"]
    manifest["files"].update(written["files"])
    extra = {f"{kind}.schema.json": open_data_schema(kind) for kind in FILES}
    extra["datapackage.json"] = datapackage(today, manifest["files"])
    for name, content in extra.items():
        body = json.dumps(content, ensure_ascii=False, indent=1).encode()
        manifest["files"][name] = {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
        _replace(f"{folder(today)}/{name}", body)
    # The manifest is written last: a day is listed only once all its files are in place.
    _replace(f"{folder(today)}/manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    prune(today)
    return manifest


def _replace(name: str, body: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(body))


def days() -> list[str]:
    """The published days, newest first."""
    try:  # a folder "exists" on a file system, not in the database storage: just list it
        folders, _ = default_storage.listdir(settings.OPEN_DATA_PREFIX)
    except FileNotFoundError:
        return []
    return sorted((d for d in folders if DAY.match(d)), reverse=True)


def latest_day() -> str | None:
    """The newest day whose files are all written (its manifest exists)."""
    return next((d for d in days() if default_storage.exists(f"{folder(d)}/manifest.json")), None)


def manifest_of(day: str) -> dict | None:
    name = f"{folder(day)}/manifest.json"
    if not DAY.match(day or "") or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as fh:
        return json.loads(fh.read().decode("utf-8"))


def prune(today: date) -> list[str]:
    """Remove the days older than today minus OPEN_DATA_KEEP_DAYS."""
    oldest = (today - timedelta(days=settings.OPEN_DATA_KEEP_DAYS)).isoformat()
    removed = []
    for day in days():
        if day < oldest:
            _, files = default_storage.listdir(folder(day))
            for name in files:
                default_storage.delete(f"{folder(day)}/{name}")
            try:
                default_storage.delete(folder(day))  # the empty folder, where the storage has folders
            except OSError:
                pass
            removed.append(day)
    return removed
