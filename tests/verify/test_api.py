"""/api/v1/: schemathesis against the app's own OpenAPI document (in-process, WSGI), cache
headers, the per-address limit, and the query budget."""
import schemathesis
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings as hsettings

from tests.verify.conftest import registered


def test_the_api_keeps_its_openapi_document(pingan, sites):
    """Every operation of the served document, with generated inputs, through the WSGI app in
    process: no server error, status codes, content types, headers and bodies as documented."""
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from hypothesis import given

    # As django.test.Client does: the WSGI handler must not close the test's connection after each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 7
        for operation in operations:
            @given(case=operation.as_strategy())
            @hsettings(max_examples=20, deadline=None, derandomize=True, database=None,
                       suppress_health_check=list(HealthCheck))
            def run(case):
                case.call_and_validate()

            run()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_openapi_document_is_served_and_lists_every_operation(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/api/v1/verify/account", "/api/v1/verify/website", "/api/v1/search/accounts",
                                 "/api/v1/search/websites", "/api/v1/accounts/{code}", "/api/v1/websites/{code}",
                                 "/api/v1/changes"}
    assert client.get("/api/v1/docs").status_code == 200


def test_verify_by_link_and_search_by_name(client, pingan):
    body = client.get("/api/v1/verify/account", {"link": "https://m.weibo.cn/u/2265830070"}).json()
    assert body["answer"] == "registered" and body["record"]["media_code"] == pingan["traffic"].media_code
    assert body["record"]["holder"] == "北京市商务局" and body["record"]["org_chain"] == ["北京市"]
    closed = client.get("/api/v1/verify/account", {"link": "https://weibo.com/u/1669879400"}).json()
    assert (closed["answer"], closed["answer_text"]) == ("closed", "已关停")
    unknown = client.get("/api/v1/verify/account", {"link": "https://weibo.com/u/1111111111"}).json()
    assert (unknown["answer"], unknown["record"]) == ("not_registered", None)
    found = client.get("/api/v1/search/accounts", {"name": "平安北京"}).json()
    assert found["record"]["name"] == "平安北京"
    assert {r["name"]: r["status"] for r in found["similar"]} == {"平安北京交警": "normal", "平安北京朝阳": "closed"}
    assert client.get("/api/v1/verify/account").status_code == 422
    assert "参数不正确" in client.get("/api/v1/verify/account").json()["detail"]


def test_by_code_and_404(client, pingan, sites):
    assert client.get(f"/api/v1/accounts/{pingan['real'].media_code}").json()["name"] == "平安北京"
    assert client.get("/api/v1/accounts/NOPE").status_code == 404
    site = client.get("/api/v1/websites/1101080001").json()
    assert (site["name"], site["holder"], site["status"]) == ("海淀区人民政府网", "北京市海淀区人民政府办公室", "normal")
    assert client.get("/api/v1/websites/1101080099").status_code == 404
    assert client.get("/api/v1/verify/website", {"address": "edu.bjhd.gov.cn"}).json()["answer"] == "registered"
    assert client.get("/api/v1/search/websites", {"name": "海淀区档案馆网站"}).json()["answer"] == "closed"


def test_changes_since_a_date_in_time_order(client, pingan):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    body = client.get("/api/v1/changes", {"since": today}).json()
    events = [(i["event"], i["record"]["name"]) for i in body["items"]]
    assert events == [("registered", "平安北京"), ("registered", "平安北京交警"), ("registered", "平安北京朝阳"),
                      ("closed", "平安北京朝阳")]
    assert body["has_next"] is False
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    assert client.get("/api/v1/changes", {"since": tomorrow}).json()["items"] == []


def test_changes_are_paged(client, pingan, monkeypatch):
    from verify import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    first = client.get("/api/v1/changes").json()
    second = client.get("/api/v1/changes", {"page": 2}).json()
    assert (len(first["items"]), first["has_next"], len(second["items"]), second["has_next"]) == (3, True, 1, False)
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


def test_etag_and_last_modified_answer_304(client, pingan):
    url = f"/api/v1/accounts/{pingan['real'].media_code}"
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"] and "max-age=60" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_the_per_address_limit_is_shared_through_the_cache(client, pingan, settings):
    settings.VERIFY_API_LIMIT = 3
    for _ in range(3):
        assert client.get("/api/v1/search/accounts", {"name": "平安北京"}).status_code == 200
    refused = client.get("/api/v1/search/accounts", {"name": "平安北京"})
    assert refused.status_code == 429 and refused.json()["detail"] == "请求过于频繁，请稍后再试。"
    assert refused["RateLimit-Remaining"] == "0" and int(refused["Retry-After"]) <= 3600
    import time

    from govmedia.ops import counters

    # The shared limiter's counter of this clock hour, where every app server counts (the refused use too).
    assert counters.get(f"rate:api:{int(time.time()) // 3600}:127.0.0.1") == 4
    other = client.get("/api/v1/search/accounts", {"name": "平安北京"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_verify_by_link_and_name_search_cost_at_most_two_queries(client, pingan, chain):
    from django.db import connection

    registered(chain, "平安北京海淀", "BL", "https://space.bilibili.com/476725595")
    for url, params in (("/api/v1/verify/account", {"link": "https://www.douyin.com/user/"
                                                           "MS4wLjABAAAAnzRLpvV9w2jXzWhHSsG5D4SoqfYazU1-fvgm4joaHXQ"}),
                        ("/api/v1/verify/account", {"link": "https://weibo.com/u/1111111111"}),
                        ("/api/v1/search/accounts", {"name": "平安北京"}),
                        ("/verify/", {"q": "平安北京"}),
                        ("/verify/", {"q": "https://m.weibo.cn/u/2265830070"})):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        assert len(queries) <= 2, (url, [q["sql"] for q in queries])


def test_verify_by_link_reads_the_live_and_the_deleted_accounts_by_their_indexes(client, pingan):
    """The one query of a link reads a partial index of live accounts and the partial index of
    deleted ones (a bitmap OR), never every account (the OR's arms state the indexes'
    predicates; without them it was a scan of 250,000 accounts, ~40 ms a request)."""
    from django.db import connection, transaction

    from accounts_media.models import MediaAccount

    # Enough registered accounts that reading every one (a scan, or an index without a condition)
    # costs more than the two indexes' look-ups, as it does at national scale.
    template = pingan["traffic"]
    MediaAccount.objects.bulk_create([
        MediaAccount(**{**{f.attname: getattr(template, f.attname) for f in MediaAccount._meta.concrete_fields},
                        "id": None, "platform_id": f"9{n:09d}", "media_code": f"{template.media_code[:-4]}{n:05d}X",
                        "name": f"批量账号{n}"})
        for n in range(3000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_media_mediaaccount")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/verify/account", {"link": "https://weibo.com/u/2265830070"}).status_code == 200
    (account_query,) = [q["sql"] for q in queries if 'FROM "accounts_media_mediaaccount"' in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        # Only bitmap scans left to choose (on a test's tiny tables a full index scan with a filter
        # may cost least): the partial indexes can serve the statement only if it states their
        # predicates, else the planner falls back to the scan priced out.
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + account_query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Both arms read a partial index (which one serves the live arm depends on the table's size);
    # the accounts table itself is read through them only.
    main_table = [line for line in plan.splitlines() if "on accounts_media_mediaaccount " in line + " "
                  and " t4 " not in line + " "]
    assert "BitmapOr" in plan and "verify_media_removed_platform_id" in plan, plan
    assert main_table and all("Bitmap Heap Scan" in line for line in main_table), plan


ODD = ["a\x00b", "\x00", "\x7f\x1b[0m", "\ufeff名", "\u202e平安", "😀", "ÿþ", "   ", "%00", "' OR 1=1 --", "\\x00",
       "a" * 1000, "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace")]


def test_schemathesis_with_nul_and_odd_bytes_finds_no_server_error(pingan, sites, client):
    """Every operation with every string parameter set to a NUL, control characters, odd Unicode
    and overlong values: no 5xx, and every answer as documented (400/404/422 included)."""
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        calls = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            for value in ODD:
                query = {p.name: value for p in operation.query if p.definition.get("schema", {}).get("type") != "integer"}
                path = {p.name: value for p in operation.path_parameters}
                if not query and not path:
                    continue
                case = operation.Case(query=query or None, path_parameters=path or None)
                case.call_and_validate()
                calls += 1
        assert calls >= 6 * len(ODD)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    # bytes that are no UTF-8 at all, straight into the query string and the path
    for url in ("/api/v1/search/accounts?name=%FF%FE", "/api/v1/search/websites?name=%C0%80",
                "/api/v1/accounts/%FF", "/api/v1/websites/%ED%A0%80", "/api/v1/verify/account?link=%E0%A4",
                "/api/v1/changes?since=%FF&page=1", "/verify/%FF/", "/verify/%FF/qr.svg", "/verify/?q=%ED%A0%80"):
        assert client.get(url).status_code < 500, url


def test_the_prepared_name_search_finds_what_the_orm_query_finds(pingan, sites):
    """verify.selectors._near_rows (one statement per shape, compiled once) against _near (the ORM
    query built for each request): the same rows in the same order, whatever the shape of the name."""
    from accounts_media.models import MediaAccount
    from verify import records as R
    from verify.selectors import _near, _near_rows
    from websites.models import Website

    def accounts():
        return R.with_control(R.registered_accounts()).filter(removed_at__isnull=True)

    def websites():
        return R.with_control(R.registered_websites()).exclude(run_status="deleted")

    names = ["平安北京", "平安北京交警", "平安北京官方", "平安北京發佈", "北京", "平安", "京", "", "发布",
             "100%_北京", "政府网站", "北京市人民政府"]
    for name in names:
        for shape, model, base in (("accounts", MediaAccount, accounts), ("websites", Website, websites)):
            prepared_rows = _near_rows(shape, model, base, name, 10)
            assert [r.pk for r in prepared_rows] == [r.pk for r in _near(base(), name)[:10]], (shape, name)
            assert all(hasattr(r, "since") and hasattr(r, "control_state") for r in prepared_rows)
    assert _near_rows("accounts", MediaAccount, accounts, "平安北京", 10), "the fixture's names are found"
