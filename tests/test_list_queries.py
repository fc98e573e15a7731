"""The main list pages with the production cache (a real redis-server, started here on a free
port): ≤ 8 SQL queries a page view, one round trip to Redis, and neither grows with the rows
(issue 26). Counted on a warm page (the tab counts, menu state and unread figure cached by the
view before), as every view but the first after a change is."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts_media.services import create_many
from tests.accounts_media.conftest import account_data, normal_account, submit
from tests.factories import make_website
from tests.servers import _start_redis, stop

MAX_QUERIES = 8

PAGES = {  # who: the list pages they use most
    "gb": ["/media/", "/media/?tab=pending", "/media/?tab=drafts", "/websites/review/", "/filer-units/",
           "/notifications/"],
    "haidian": ["/media/", "/media/?tab=pending", "/media/?page=2&per_page=20", "/websites/review/", "/filer-units/",
                "/notifications/"],
    "shangzhuang": ["/media/", "/media/?tab=drafts", "/media/?tab=rejected", "/notifications/"],
}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    started = _start_redis(tmp_path_factory.mktemp("redis"))
    if started is None:
        pytest.skip("redis-server is not installed")
    process, port = started
    yield f"redis://127.0.0.1:{port}/0"
    stop(process)


@pytest.fixture
def redis_cache(settings, redis_url):
    """The production cache (govmedia.ops.cache.FailoverRedisCache) on that Redis, emptied."""
    import redis

    settings.CACHES = {"default": {"BACKEND": "govmedia.ops.cache.FailoverRedisCache", "LOCATION": redis_url,
                                   "KEY_PREFIX": "listqueries"},
                       "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "govmedia_cache"}}
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()


def rows(chain, tree, start: int, count: int):
    """`count` more accounts of every kind the pages show (pending at 海淀区, drafts, rejected …)
    and `count` more websites waiting at 海淀区."""
    from accounts_media.models import MediaAccount

    data = [account_data(account_type="BL", wechat_kind="", url=f"https://space.bilibili.com/{i}",
                         platform_id=str(i), name=f"批量{i}", contact_mobile="13812345678")
            for i in range(start, start + count)]
    create_many(chain["shangzhuang"], "submit", data[: count // 2])
    create_many(chain["yanyuan"], "save_draft", data[count // 2:])
    normal_account(chain, name=f"正常{start}", platform_id=f"N{start}",
                   url=f"https://mp.weixin.qq.com/s?__biz=N{start}&mid=1")
    account = submit(chain["shangzhuang"], name=f"驳回{start}", platform_id=f"R{start}",
                     url=f"https://mp.weixin.qq.com/s?__biz=R{start}&mid=1")
    from tests.accounts_media.conftest import reject

    reject(MediaAccount.objects.get(pk=account.pk), chain["haidian"])
    for i in range(start, start + count):
        make_website(tree["110108"], f"site{i}", filing="reviewing", reviewer=tree["110108"])


def measure(client, login, chain, redis_client) -> dict:
    counts = {}
    for who, urls in PAGES.items():
        login(chain[who])
        for url in urls:
            assert client.get(url).status_code == 200  # warms the page's cached state
            redis_client.config_resetstat()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            stats = redis_client.info("commandstats")
            trips = sum(v["calls"] for k, v in stats.items() if not k.startswith("cmdstat_config"))
            counts[who, url] = (len(queries), trips, [q["sql"][:120] for q in queries.captured_queries])
    return counts


def test_list_pages_cost_at_most_8_queries_and_one_redis_round_trip_whatever_the_rows(
        client, chain, tree, login, redis_cache):
    rows(chain, tree, 1, 4)
    few = measure(client, login, chain, redis_cache)
    rows(chain, tree, 100, 60)
    many = measure(client, login, chain, redis_cache)
    print("\n".join(f"{page}: {few[page][0]} → {many[page][0]} queries, {many[page][1]} Redis round trip(s)" for page in many))
    for page, (queries, trips, sql) in many.items():
        assert queries <= MAX_QUERIES, (page, sql)
        assert trips == 1, (page, trips)  # tab counts, generations, menu state, unread: one MGET
        assert queries == few[page][0], (page, few[page][2], sql)
