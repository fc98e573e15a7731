"""The inspection indicators measured (issue 27 items 1–3, decision 0045), against fixture sites
served locally: each planted problem gives exactly its indicator verdict with evidence, a clean
site none; verdicts prefill the 检查结果信息表, count in the 通报 and on 数据看板."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import runner
from monitoring.content import expression_errors, messages, outbound_links, page_dates
from monitoring.indicators import official_name_rules, period_of, record_verdicts
from monitoring.models import CheckResult, ExpressionRule, Finding, Indicator, Kind, Verdict
from tests.monitoring.test_runs import MARKS, make_site, open_quarter


def day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


def listing(*days_ago: int, title="通知") -> str:
    return "<ul>" + "".join(f"<li><a href='/a/{n}.html'>{title}{n}</a><span>{day(d)}</span></li>"
                            for n, d in enumerate(days_ago)) + "</ul>"


def home(days_ago: int = 2, extra: str = "") -> str:
    return (f"<html><body><h1>区政府门户网站</h1>{listing(days_ago, days_ago + 3, title='要闻')}"
            f"<a href='https://www.gov.cn/'>中国政府网</a><a href='/zwgk/'>政务公开</a>{extra}{MARKS}</body></html>")


MESSAGES_OK = ("<table><tr><th>标题</th><th>留言时间</th><th>状态</th></tr>"
               f"<tr><td>咨询办事时间</td><td>{day(200)}</td><td>已回复</td></tr>"
               f"<tr><td>道路维修</td><td>{day(20)}</td><td>待回复</td></tr></table>")


@pytest.fixture
def indicators(monitoring, settings):
    """Every content check on (the suite's fixture switches them off elsewhere)."""
    settings.MONITORING_CHECKS = {}
    return monitoring


def clean_columns(server, prefix: str) -> dict:
    server.page(f"/{prefix}/dt/", listing(1, 3))
    server.page(f"/{prefix}/tz/", listing(10, 40))
    server.page(f"/{prefix}/ly/", MESSAGES_OK)
    return {"政府信息公开": {"names": "工作动态；通知公告", "urls": f"{server.url(f'/{prefix}/dt/')}；{server.url(f'/{prefix}/tz/')}"},
            "互动交流": {"names": "留言板", "urls": server.url(f"/{prefix}/ly/")}}


def site_with(server, chain, prefix: str, code: str, homepage: str = "", columns: dict | None = None, org="haidian"):
    server.page(f"/{prefix}/", homepage or home())
    return make_site(chain[org].org_unit, f"网站{prefix}", server.url(f"/{prefix}/"), code,
                     columns if columns is not None else clean_columns(server, prefix))


def verdicts_of(site):
    return {v.indicator.code: v for v in Verdict.objects.filter(website=site).select_related("indicator")}


def test_each_planted_problem_gives_exactly_its_verdict_and_a_clean_site_none(chain, indicators):
    server = indicators
    clean = site_with(server, chain, "clean", "1101080001")
    stale_home = site_with(server, chain, "stalehome", "1101080002", homepage=home(days_ago=20))
    # five 通知公告-type columns not updated for 7 months (the 2019 rule: ≥ 5 such columns)
    notice = clean_columns(server, "notice")
    urls = []
    for n in range(5):
        server.page(f"/notice/old{n}/", listing(210, 300))
        urls.append(server.url(f"/notice/old{n}/"))
    notice["政策文件"] = {"names": "；".join(f"通知公告{n}" for n in range(5)), "urls": "；".join(urls)}
    stale_notice = site_with(server, chain, "notice", "1101080003", columns=notice)
    # six blank 栏目 (专题 columns need no updates: only 空白栏目 fails)
    blank = clean_columns(server, "blank")
    for n in range(6):
        server.page(f"/blank/zt{n}/", "<html><body><nav><a href='/'>首页</a></nav><p>暂无信息</p></body></html>")
    blank["概况信息"] = {"names": "；".join(f"专题{n}" for n in range(6)),
                     "urls": "；".join(server.url(f"/blank/zt{n}/") for n in range(6))}
    blank_site = site_with(server, chain, "blank", "1101080004", columns=blank)
    errors = site_with(server, chain, "errors", "1101080005",
                       homepage=home(extra="<p>国土资源部发布通知；台湾总统选举。农业部门开展检查。</p>"))
    outlink = site_with(server, chain, "outlink", "1101080006",
                        homepage=home(extra="<a href='http://casino.example.com/play'>娱乐城</a>"))
    unanswered = clean_columns(server, "ask")
    server.page("/ask/ly/", MESSAGES_OK.replace("</table>", f"<tr><td>噪音扰民</td><td>{day(120)}</td><td>未回复</td></tr></table>"))
    ask = site_with(server, chain, "ask", "1101080007", columns=unanswered)

    run = runner.run_now(kinds=(runner.WEBSITES,))
    assert run.status == "done"
    got = {site.name: set(verdicts_of(site)) for site in (clean, stale_home, stale_notice, blank_site, errors, outlink, ask)}
    assert got == {"网站clean": set(), "网站stalehome": {"W_HOME_STALE"}, "网站notice": {"W_KEY_COLUMNS"},
                   "网站blank": {"W_BLANK"}, "网站errors": {"W_EXPRESSION"}, "网站outlink": {"W_OUTLINKS"},
                   "网站ask": {"W_INTERACTION"}}

    # the evidence: URLs, dates, counts
    home_v = verdicts_of(stale_home)["W_HOME_STALE"]
    assert home_v.evidence["latest"] == day(20) and home_v.evidence["days"] == 20 and home_v.period == period_of(timezone.localdate())
    assert home_v.detail == f"首页已 20 天未更新（最近发布 {day(20)}）"
    notice_v = verdicts_of(stale_notice)["W_KEY_COLUMNS"]
    assert notice_v.evidence["count"] == 5 and {s["url"] for s in notice_v.evidence["stale"]} == set(urls)
    assert all(s["latest"] == day(210) and s["limit"] == 183 for s in notice_v.evidence["stale"])
    blank_v = verdicts_of(blank_site)["W_BLANK"]
    assert blank_v.evidence["count"] == 6 and blank_v.detail.startswith("空白栏目 6 个：专题0")
    expression = verdicts_of(errors)["W_EXPRESSION"].evidence
    assert expression["count"] == 2 and [(e["wrong"], e["right"]) for e in expression["errors"]] == \
        [("国土资源部", "自然资源部"), ("台湾总统", "台湾地区领导人")]      # 农业部门 is an exception of 农业部
    links = verdicts_of(outlink)["W_OUTLINKS"].evidence["links"]
    assert [(x["url"], x["text"], x["domain"]) for x in links] == [("http://casino.example.com/play", "娱乐城", "casino.example.com")]
    overdue = verdicts_of(ask)["W_INTERACTION"].evidence["overdue"]
    assert [(o["asked"], o["text"][:4]) for o in overdue] == [(day(120), "噪音扰民")]
    # the checks' own results are kept with the same evidence, and the findings opened
    assert CheckResult.objects.filter(website=clean, ok=False).count() == 0


def test_thresholds_are_data_ops_edit(chain, indicators):
    server = indicators
    columns = clean_columns(server, "one")
    server.page("/one/old/", listing(250))
    columns["政策文件"] = {"names": "通知公告", "urls": server.url("/one/old/")}
    site = site_with(server, chain, "one", "1101080011", columns=columns)
    runner.run_now(kinds=(runner.WEBSITES,))
    assert "W_KEY_COLUMNS" not in verdicts_of(site)          # one stale column of five needed
    Indicator.objects.filter(code="W_KEY_COLUMNS").update(thresholds={"count": 1, "notice_days": 183, "dynamic_days": 14})
    runner.run_now(kinds=(runner.WEBSITES,))
    assert verdicts_of(site)["W_KEY_COLUMNS"].evidence["stale"][0]["url"] == server.url("/one/old/")
    Indicator.objects.filter(code="W_OUTLINKS").update(enabled=False)   # an indicator switched off: not checked
    server.page("/one/", home(extra="<a href='http://ads.example.net/'>广告</a>"))
    runner.run_now(kinds=(runner.WEBSITES,))
    assert not CheckResult.objects.filter(website=site, kind=Kind.OUTLINKS, checked_at__gte=timezone.now() - timedelta(minutes=1),
                                          run__in=[runner.CheckRun.objects.first()]).exists()


def test_no_verdict_without_confirmation(chain, indicators, settings):
    """Never cry wolf: a first failure is no verdict either."""
    settings.MONITORING_CONFIRM_RUNS = 2
    site = site_with(indicators, chain, "once", "1101080021", homepage=home(days_ago=30))
    runner.run_now(kinds=(runner.WEBSITES,))
    assert not Verdict.objects.filter(website=site).exists()


def test_dates_from_time_tags_feeds_and_last_modified(chain, indicators):
    server = indicators
    server.page("/feedsite/", home())
    server.page("/feedsite/timecol/", f"<ul><li><time datetime='{day(3)}'>三天前</time> 动态</li></ul>")
    server.page("/feedsite/rsscol/", "<html><head><link rel='alternate' type='application/rss+xml' href='/feedsite/rss.xml'>"
                "</head><body><ul><li><a href='/x'>一篇没有日期的文章内容比较长比较长比较长比较长</a></li></ul></body></html>")
    server.page("/feedsite/rss.xml", "<rss><channel><item><title>t</title><pubDate>"
                + (timezone.now() - timedelta(days=400)).strftime("%a, %d %b %Y %H:%M:%S +0000") + "</pubDate></item></channel></rss>")
    server.page("/feedsite/lmcol/", "<html><body><p>正文内容比较长比较长比较长比较长比较长比较长</p></body></html>",
                headers={"Last-Modified": (timezone.now() - timedelta(days=500)).strftime("%a, %d %b %Y %H:%M:%S GMT")})
    columns = {"政府信息公开": {"names": "工作动态；通知公告；政策文件", "urls": "；".join(
        server.url(p) for p in ("/feedsite/timecol/", "/feedsite/rsscol/", "/feedsite/lmcol/"))}}
    site = make_site(chain["haidian"].org_unit, "日期网站", server.url("/feedsite/"), "1101080031", columns)
    Indicator.objects.filter(code="W_KEY_COLUMNS").update(thresholds={"count": 2, "notice_days": 183, "dynamic_days": 14})
    runner.run_now(kinds=(runner.WEBSITES,))
    stale = {s["name"]: s for s in verdicts_of(site)["W_KEY_COLUMNS"].evidence["stale"]}
    assert set(stale) == {"通知公告", "政策文件"}                      # 工作动态: 3 days ago by its <time>
    assert stale["通知公告"]["days"] == 400 and stale["政策文件"]["days"] == 500   # the RSS feed; Last-Modified
    result = CheckResult.objects.get(website=site, kind=Kind.KEY_COLUMNS)
    assert result.ok is False


def test_page_readers_in_isolation():
    from datetime import date

    today = date(2026, 12, 6)
    assert page_dates("发布：2026年11月3日 | 2026-11-30 | 2026/12/01 | 2026.12.07 | 2019-02-30", today) == \
        [date(2026, 11, 3), date(2026, 11, 30), date(2026, 12, 1)]            # no future, no impossible date
    rules = [("农业部", "农业农村部", ["农业部门"]), ("广西省", "广西壮族自治区", [])]
    assert [e["wrong"] for e in expression_errors("农业部门；农业部印发；广西省", rules)] == ["农业部", "广西省"]
    found = outbound_links("<a href='/x'>内</a><a href='https://sub.example.gov.cn/'>子</a><a href='http://bad.com/'>外</a>"
                           "<a href='https://www.gov.cn/'>国</a><a href='mailto:a@b.c'>信</a>",
                           "https://www.example.gov.cn/", ["example.gov.cn"], ["gov.cn"])
    assert [f["domain"] for f in found] == ["bad.com"]
    rows = messages("<li>问A 2026-01-05 已回复</li><li>问B 2026-07-01 回复 2026-07-03</li><li>问C 2026-08-01 处理中</li>", today)
    assert [(r["asked"], r["answered"]) for r in rows] == [("2026-01-05", True), ("2026-07-01", True), ("2026-08-01", False)]


def test_official_names_from_the_org_tree(chain):
    from orgtree.models import OrgUnit

    root = OrgUnit.objects.get(level=0)
    OrgUnit.objects.create(code="450000", name="广西壮族自治区", parent=root, level=1, kind=root.kind,
                           path=f"{root.path}450000/")
    assert official_name_rules() >= 2
    added = dict(ExpressionRule.objects.filter(source="orgtree").values_list("wrong", "right"))
    assert added["广西省"] == "广西壮族自治区" and added["广西自治区"] == "广西壮族自治区"
    assert official_name_rules() == 0          # idempotent


def test_availability_over_a_week_of_visits(chain, indicators):
    site = make_site(chain["haidian"].org_unit, "访问网站", indicators.url("/acc/"), "1101080041")
    run = runner.CheckRun.objects.create(objects_total=1, chunks_total=1)
    # Noon in Asia/Shanghai: a day's 20 visits (every 30 min back from now) stay on one local date
    # whatever the hour the suite runs (at 02:00 local they would straddle two dates).
    now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    rows = []
    for d in range(7):
        for n in range(20):
            slow = d == 0 and n < 8        # 8 of 140 visits failed or over 15 s: 5.7 % > 5 %
            rows.append(CheckResult(run=run, website=site, kind=Kind.HOMEPAGE, ok=not (slow and n < 4),
                                    elapsed_ms=16000 if slow else 300, checked_at=now - timedelta(days=d, minutes=n * 30)))
    CheckResult.objects.bulk_create(rows)
    snapshot = {"id": site.pk, "org_path": site.org_path}
    assert record_verdicts("website", [snapshot], [[]], now) == 1
    v = Verdict.objects.get(website=site)
    assert v.indicator.code == "W_ACCESS" and v.evidence == {"visits": 140, "failed": 8, "days": 7}
    CheckResult.objects.filter(website=site, checked_at__lt=now - timedelta(days=6)).delete()   # too few days: not judged
    Verdict.objects.all().delete()
    assert record_verdicts("website", [snapshot], [[]], now) == 0


def test_verdicts_prefill_the_sheet_count_in_the_circular_and_on_the_dashboard(client, chain, indicators):
    from reports import check_services, circular
    from reports.models import CheckSheet

    server = indicators
    errors = site_with(server, chain, "heping-err", "1201010001", org="heping",
                       homepage=home(days_ago=25, extra="<p>环境保护部</p>"))
    runner.run_now(kinds=(runner.WEBSITES,))
    assert set(verdicts_of(errors)) == {"W_HOME_STALE", "W_EXPRESSION"}
    open_quarter(chain["heping"])
    sheet = CheckSheet.objects.get(org_unit=chain["heping"].org_unit, filer_unit__isnull=True)
    check_services.prefill(sheet)
    item = sheet.items.get(website=errors)
    assert item.passed is False and item.problems == ["首页信息超过2周未更新", "其他"]
    assert item.problem_other.startswith("严重表述错误：发现 1 处严重表述错误：“环境保护部”应为“生态环境部”")
    from reviews.models import JournalEntry

    assert JournalEntry.objects.filter(action="monitoring_prefill", subject_id=sheet.pk).exists()

    today = timezone.localdate()
    data = circular.circular_data(chain["tianjin"].org_unit, today.year, (today.month - 1) // 3 + 1)
    counted = {i["indicator"].code: i["count"] for i in data["indicators"]}
    assert counted["W_HOME_STALE"] == 1 and counted["W_EXPRESSION"] == 1 and counted["W_BLANK"] == 0
    import io

    from docx import Document

    doc = Document(io.BytesIO(circular.circular_docx(data)))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "检查指标")
    rows = {(r.cells[1].text, r.cells[3].text) for r in table.rows[1:]}
    assert ("严重表述错误", "1") in rows and ("首页栏目不更新", "1") in rows
    other = circular.circular_data(chain["beijing"].org_unit, today.year, (today.month - 1) // 3 + 1)
    assert all(i["count"] == 0 for i in other["indicators"])      # another subtree counts nothing of 天津's

    client.force_login(chain["tianjin"])
    page = client.get(reverse("dashboard:home")).content.decode()
    assert "检查指标不合格（本季度，自动监测）" in page
    link = reverse("monitoring:verdicts") + f"?indicator=W_EXPRESSION&amp;period={period_of(today)}"
    assert link in page
    listed = client.get(reverse("monitoring:verdicts"), {"indicator": "W_EXPRESSION", "period": period_of(today)}).content.decode()
    assert "网站heping-err" in listed and "严重表述错误" in listed
    client.force_login(chain["beijing"])
    assert "网站heping-err" not in client.get(reverse("monitoring:verdicts")).content.decode()


def test_a_content_finding_turns_into_its_sheet_problem(client, chain, indicators):
    from reports.models import CheckSheet

    server = indicators
    blank = clean_columns(server, "hp")
    for n in range(5):
        server.page(f"/hp/zt{n}/", "<html><body><p>暂无内容</p></body></html>")
    blank["概况信息"] = {"names": "；".join(f"专题{n}" for n in range(5)),
                     "urls": "；".join(server.url(f"/hp/zt{n}/") for n in range(5))}
    site = site_with(server, chain, "hp", "1201010002", columns=blank, org="heping")
    runner.run_now(kinds=(runner.WEBSITES,))
    site_findings = list(Finding.objects.filter(website=site))
    assert [f.kind for f in site_findings] == [Kind.BLANK_COLUMNS]
    finding = site_findings[0]
    assert finding.label == "空白栏目" and finding.detail.startswith("空白栏目 5 个")
    # the sheet opened after the run: its prefill marks the row from the verdict; 转入 keeps it so
    open_quarter(chain["heping"])
    client.force_login(chain["heping"])
    client.post(reverse("monitoring:to_sheet", args=[finding.pk]))
    item = CheckSheet.objects.get(org_unit=chain["heping"].org_unit, filer_unit__isnull=True).items.get(website=site)
    assert item.passed is False and item.problems == ["空白栏目"]
