"""Open data (CSV with BOM, JSON valid against its schema, the manifest's checksums, 30 days
kept, all through default_storage) and the change feeds (Atom parsed back, JSON Feed 1.1)."""
import csv
import hashlib
import io
import json
from datetime import timedelta

import feedparser
import jsonschema
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from verify.schemas import open_data_schema
from verify.services import publish_open_data


@pytest.fixture
def storage(settings, tmp_path):
    """A fresh default_storage folder per test (whatever backend the deployment configures)."""
    settings.MEDIA_ROOT = str(tmp_path)  # FileSystemStorage follows the setting (setting_changed)
    return default_storage


def read(name):
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def test_the_daily_snapshot_holds_every_normal_account_and_website(storage, pingan, sites, client):
    today = timezone.localdate()
    manifest = publish_open_data(today)
    assert manifest["counts"] == {"accounts": 2, "websites": 2, "accountability": 1}  # the closed account, the offline and uncoded sites are out
    folder = f"opendata/{today}"
    for name, info in manifest["files"].items():
        body = read(f"{folder}/{name}")
        assert hashlib.sha256(body).hexdigest() == info["sha256"] and len(body) == info["size"], name
    raw = read(f"{folder}/accounts.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["新媒体标识码", "账号名称", "账号类型", "账号ID", "填报单位全称", "省/部", "市/省局", "区县", "状态", "起始日期", "账号链接"]
    assert sorted(r[1] for r in rows[1:]) == ["平安北京", "平安北京交警"]
    assert {r[4] for r in rows[1:]} == {"北京市商务局"} and {r[5] for r in rows[1:]} == {"北京市"}
    sites_rows = list(csv.DictReader(io.StringIO(read(f"{folder}/websites.csv").decode("utf-8-sig"))))
    assert {r["网站标识码"] for r in sites_rows} == {"1101080001", "1101080002"}
    assert (sites_rows[0]["省/部"], sites_rows[0]["市/省局"]) == ("北京市", "海淀区")
    for kind in ("accounts", "websites"):
        data = json.loads(read(f"{folder}/{kind}.json"))
        jsonschema.validate(data, open_data_schema(kind))
        assert json.loads(read(f"{folder}/{kind}.schema.json")) == open_data_schema(kind)
        assert data["count"] == len(data["items"]) == manifest["counts"][kind]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "items": [{**data["items"][0], "contact_mobile": 1, "status": "secret"}]},
                            open_data_schema("websites"))
    # The public page lists the day and serves its files.
    html = client.get("/open-data/").content.decode()
    assert str(today) in html and "accounts.csv" in html and manifest["files"]["accounts.csv"]["sha256"] in html
    response = client.get(f"/open-data/{today}/accounts.csv")
    assert response.status_code == 200 and b"".join(response.streaming_content) == raw
    assert "attachment" in response["Content-Disposition"]
    assert client.get(f"/open-data/{today}/manifest.json").status_code == 200
    assert client.get(f"/open-data/{today}/..%2Fsecret").status_code == 404
    assert client.get("/open-data/2020-01-01/accounts.csv").status_code == 404


def test_a_second_run_replaces_the_day_and_thirty_days_are_kept(storage, pingan):
    today = timezone.localdate()
    for back in range(33, -1, -1):
        publish_open_data(today - timedelta(days=back))
    publish_open_data(today)
    from verify.services import days

    kept = days()
    assert kept[0] == str(today) and kept[-1] == str(today - timedelta(days=30)) and len(kept) == 31
    _, files = default_storage.listdir(f"opendata/{today}")
    assert sorted(files) == ["accountability.csv", "accounts.csv", "accounts.json", "accounts.schema.json",
                             "datapackage.json", "manifest.json",
                             "websites.csv", "websites.json", "websites.schema.json"]


def test_the_management_command(storage, pingan):
    out = io.StringIO()
    call_command("publish_open_data", "--date", "2026-11-30", stdout=out)
    assert "账号 2 个，网站 0 个" in out.getvalue()
    assert default_storage.exists("opendata/2026-11-30/manifest.json")


def test_the_atom_feed_parses_and_pages(client, pingan, monkeypatch):
    from verify import selectors

    response = client.get("/changes/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "全国政务新媒体与政府网站 · 变更记录"
    titles = [e.title for e in feed.entries]
    assert titles[0] == "关停：平安北京朝阳（新浪微博）" and "登记：平安北京（抖音短视频）" in titles
    entry = feed.entries[0]
    assert entry.link.endswith(f"/verify/{pingan['closed'].media_code}/") and entry.id.startswith("tag:govmedia")
    assert entry.published_parsed and "已关停" in entry.summary
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    paged = feedparser.parse(client.get("/changes/atom/").content)
    assert [link.href for link in paged.feed.links if link.rel == "next"] == ["http://testserver/changes/atom/?page=2"]
    last = feedparser.parse(client.get("/changes/atom/?page=2").content)
    assert len(last.entries) == 1 and not [link for link in last.feed.links if link.rel == "next"]
    assert client.get("/changes/atom/?page=x").status_code == 404


def test_the_json_feed_is_json_feed_1_1(client, pingan):
    feed = client.get("/changes/feed.json")
    assert feed["Content-Type"].startswith("application/feed+json")
    data = feed.json()
    assert data["version"] == "https://jsonfeed.org/version/1.1" and data["title"]
    assert all({"id", "url", "date_published", "content_text"} <= set(i) for i in data["items"])
    first = data["items"][0]
    assert first["_govmedia"]["event"] == "closed" and first["_govmedia"]["record"]["name"] == "平安北京朝阳"
    assert "next_url" not in data


def test_the_feed_read_uses_the_journal_index(pingan):
    """The planner can serve a feed page from verify_journal_public_events (the predicate matches)."""
    from django.db import connection

    from verify import records
    from reviews.models import JournalEntry

    if connection.vendor != "postgresql":
        pytest.skip("the partial index exists on PostgreSQL only")
    qs = JournalEntry.objects.filter(records.EVENTS).order_by("-at", "-id")[:50]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    plan = qs.explain()
    assert "verify_journal_public_events" in plan, plan
