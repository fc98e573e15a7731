"""Issue 15, new media (manual 01/02): the small gaps on the 新媒体 screens, over HTTP."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts_media.guide import ENTRIES
from accounts_media.models import MediaAccount, Status
from accounts_media.platforms import ACCOUNT_TYPES, extract_platform_id
from accounts_media.services import perform
from tests.accounts_media.conftest import account_data, approve, normal_account, submit
from tests.accounts_media.test_views import FORM, REVIEW
from tests.accounts_media.test_workflow import CLOSE, RESTORE


@pytest.fixture
def accounts(chain):
    """Two accounts with a media code (海淀区's filer, 北京市商务局), two without (pending, draft)."""
    from accounts_media import services

    made = [normal_account(chain),
            normal_account(chain, "commerce", account_type="KH", wechat_kind="", name="北京商务",
                           url="https://apps.apple.com/cn/app/id1485553352", platform_id="ios:1485553352"),
            submit(chain["yanyuan"], account_type="WB", wechat_kind="", url="https://weibo.com/u/2265830070",
                   platform_id="2265830070", name="燕园街道")]
    made.append(perform(services.new_account(chain["shangzhuang"]), "save_draft", chain["shangzhuang"],
                        account_data(account_type="BL", wechat_kind="", name="草稿",
                                     url="https://space.bilibili.com/434377496", platform_id="434377496")))
    return made


def _star(html, row_id):
    # a radio group is a fieldset named by its legend, any other field a div with its label
    row = re.search(rf'<(?:div|fieldset) class="mb-3 row" id="{row_id}"[^>]*>\s*<(?:label|legend)[^>]*>(.*?)</(?:label|legend)>',
                    html, re.S)
    return row.group(0), row.group(1)


# --- 1. 添加账号: the stars follow the type; the guide -----------------------------------------

def test_the_type_dependent_stars_follow_the_type_sent(client, chain, login):
    login(chain["shangzhuang"])
    html = client.get("/media/add/").content.decode()
    for row_id, when in (("row-wechat-kind", "WX"), ("row-platform-name", "QT,XC")):
        row, label = _star(html, row_id)
        assert f'data-required-when="{when}"' in row
        assert "data-required-star hidden" in label, row_id  # no type chosen: not required
    html = client.post("/media/add/", {"account_type": "WX", "submit": "1"}).content.decode()
    assert "data-required-star hidden" not in _star(html, "row-wechat-kind")[1]
    assert "data-required-star hidden" in _star(html, "row-platform-name")[1]
    html = client.post("/media/add/", {"account_type": "XC", "submit": "1"}).content.decode()
    assert "data-required-star hidden" in _star(html, "row-wechat-kind")[1]
    assert "data-required-star hidden" not in _star(html, "row-platform-name")[1]
    assert "必须填写其他账号类型/平台名称" in html and "请选择微信公众号类型" not in html


def test_a_weibo_needs_neither_wechat_kind_nor_platform_name(client, chain, login):
    login(chain["shangzhuang"])
    response = client.post("/media/add/", {**FORM, "account_type": "WB", "wechat_kind": "", "platform_name": "",
                                           "url": "https://weibo.com/u/2265830070", "submit": "1"})
    assert response.status_code == 302
    account = MediaAccount.objects.get()
    assert (account.account_type, account.wechat_kind, account.platform_name) == ("WB", "", "")


def test_the_add_form_links_the_guide_and_the_guide_covers_every_type(client, chain, login):
    login(chain["shangzhuang"])
    html = client.get("/media/add/").content.decode()
    assert re.search(r'<a [^>]*href="/media/guide/"[^>]*>查找新媒体账号信息指南</a>', html)
    guide = client.get("/media/guide/")
    assert guide.status_code == 200
    page = guide.content.decode()
    for atype in ACCOUNT_TYPES:
        assert f'data-type="{atype.code}"' in page and atype.name in page
    assert "v.douyin.com" in page and "__biz" in page
    login(chain["haidian"])
    assert client.get("/media/guide/").status_code == 200


def test_every_example_of_the_guide_is_accepted_by_the_form_extractor():
    assert [e.code for e in ENTRIES] == [t.code for t in ACCOUNT_TYPES]
    for entry in ENTRIES:
        for example in entry.examples:
            assert extract_platform_id(entry.code, example), (entry.code, example)


# --- 2. limits: refused with a message, never cut; the counters ---------------------------------

def test_text_over_a_limit_is_refused_not_cut(client, chain, login):
    login(chain["shangzhuang"])
    html = client.get("/media/add/").content.decode()
    assert not re.search(r'<input[^>]*name="name"[^>]*\smaxlength=', html)  # the browser cuts at maxlength
    assert re.search(r'<input[^>]*name="name"[^>]*data-maxlength="100"', html) or \
        re.search(r'<input[^>]*data-maxlength="100"[^>]*name="name"', html)
    html = client.post("/media/add/", {**FORM, "name": "长" * 101, "submit": "1"}).content.decode()
    assert "名称不能超过100个字（当前101个字）" in html
    html = client.post("/media/add/", {**FORM, "operator": "单" * 101, "contact_name": "名" * 31,
                                       "submit": "1"}).content.decode()
    assert "开设主体不能超过100个字（当前101个字）" in html and "姓名不能超过30个字（当前31个字）" in html
    assert MediaAccount.objects.count() == 0
    assert client.post("/media/add/", {**FORM, "name": "长" * 100, "submit": "1"}).status_code == 302
    assert MediaAccount.objects.get().name == "长" * 100


def test_a_line_break_counts_as_one_character(client, chain, login):
    account = normal_account(chain)
    login(chain["shangzhuang"])
    detail = "一" * 498 + "\r\n" + "二"  # 500 characters as typed (the browser sends CRLF)
    assert client.post(f"/media/{account.pk}/close/", {**CLOSE, "detail": detail}).status_code == 302
    account.refresh_from_db()
    assert account.request_data["detail"] == "一" * 498 + "\n" + "二"


def test_review_close_restore_and_delete_texts_show_counters_and_refuse_past_the_limit(client, chain, login):
    account = submit(chain["shangzhuang"])
    login(chain["haidian"])
    page = client.get(f"/media/{account.pk}/review/").content.decode()
    assert re.search(r'data-char-counter="id_reason"[^>]*><span data-char-count>0</span>/300', page)
    assert 'aria-describedby="id_reason_counter"' in page and 'id="id_reason_counter"' in page
    html = client.post(f"/media/{account.pk}/review/", {**REVIEW, "result": "reject", "reason": "驳" * 301,
                                                        "version": account.version}).content.decode()
    assert "驳回原因不能超过300个字（当前301个字）" in html
    account.refresh_from_db()
    assert account.status == Status.ADD_PENDING

    normal = normal_account(chain, "commerce", url="https://mp.weixin.qq.com/s?__biz=MzI2MTYxNTg3NA==&mid=1",
                            platform_id="MzI2MTYxNTg3NA==", name="北京商务")
    login(chain["commerce"])
    page = client.get(f"/media/{normal.pk}/close/").content.decode()
    assert re.search(r'data-char-counter="id_detail"[^>]*><span data-char-count>0</span>/500', page)
    assert "详细说明不能超过500字" in client.post(f"/media/{normal.pk}/close/", {**CLOSE, "detail": "长" * 501}).content.decode()

    closed = approve(perform(normal, "request_close", chain["commerce"], CLOSE), chain["beijing"])
    login(chain["beijing"])
    page = client.get(f"/media/{closed.pk}/restore/").content.decode()
    assert re.search(r'data-char-counter="id_reason"[^>]*><span data-char-count>0</span>/500', page)
    html = client.post(f"/media/{closed.pk}/restore/", {**RESTORE, "reason": "恢" * 501}).content.decode()
    assert "恢复原因不能超过500字" in html
    html = client.post(f"/media/{closed.pk}/restore/", {**RESTORE, "applicant_name": "名" * 31}).content.decode()
    assert "申请人姓名不能超过30个字（当前31个字）" in html
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED

    login(chain["gb"])
    page = client.get(f"/media/{closed.pk}/delete/").content.decode()
    assert re.search(r'data-char-counter="id_reason"[^>]*><span data-char-count>0</span>/300', page)
    assert "删除原因不能超过300字" in client.post(f"/media/{closed.pk}/delete/", {"reason": "删" * 301}).content.decode()


# --- 3. the review's 确定: confirmed, then back in 待审核 ------------------------------------------

def test_review_confirms_and_returns_to_the_pending_list_it_came_from(client, chain, login):
    first = submit(chain["shangzhuang"])
    second = submit(chain["yanyuan"], account_type="WB", wechat_kind="", url="https://weibo.com/u/2265830070",
                    platform_id="2265830070", name="燕园街道")
    login(chain["haidian"])
    listing = client.get("/media/", {"tab": "pending", "account_type": "WX", "sort": "name"}).content.decode()
    link = re.search(rf'href="(/media/{first.pk}/review/[^"]*)"', listing).group(1).replace("&amp;", "&")
    back = parse_qs(urlsplit(link).query)["back"][0]
    assert parse_qs(back) == {"tab": ["pending"], "account_type": ["WX"], "sort": ["name"]}
    page = client.get(link).content.decode()
    assert 'data-confirm="审核提交后，无法修改。确定提交审核结果吗？"' in page
    assert re.search(r'<button type="submit" class="btn btn-primary" data-confirm="[^"]+">确定</button>', page)
    response = client.post(link, {**REVIEW, "version": first.version, "back": back})
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/media/" and parse_qs(target.query) == {"tab": ["pending"], "account_type": ["WX"],
                                                                  "sort": ["name"]}
    # From the detail page (no list query): 待审核 all the same; `back` never leaves the list.
    response = client.post(f"/media/{second.pk}/review/", {**REVIEW, "version": second.version,
                                                           "back": "https://evil.example/?tab=x"})
    assert urlsplit(response["Location"]).path == "/media/"
    assert parse_qs(urlsplit(response["Location"]).query)["tab"] == ["pending"]


# --- 4. the right, but the state moved on: say what happened ------------------------------------

def test_back_after_an_approval_says_it_was_handled_not_no_permission(client, chain, login):
    closed = approve(perform(normal_account(chain), "request_close", chain["shangzhuang"], CLOSE), chain["haidian"])
    pending = perform(closed, "request_restore", chain["beijing"], RESTORE)
    login(chain["gb"])
    assert client.get(f"/media/{pending.pk}/review/").status_code == 200
    client.post(f"/media/{pending.pk}/review/", {**REVIEW, "version": pending.version})
    pending.refresh_from_db()
    assert pending.status == Status.NORMAL
    for response in (client.get(f"/media/{pending.pk}/review/"),   # Back to the form
                     client.post(f"/media/{pending.pk}/review/", {**REVIEW, "version": pending.version})):
        html = response.content.decode()
        assert response.status_code == 409 and "该申请已被处理" in html and "您没有权限" not in html
    login(chain["beijing"])
    response = client.get(f"/media/{pending.pk}/restore/")  # restored: 恢复 again says why not
    html = response.content.decode()
    assert response.status_code == 409 and "只能恢复一次" in html and "您没有权限" not in html
    response = client.get(f"/media/{pending.pk}/rejection/")  # nothing rejected (any more)
    assert response.status_code == 409 and "您没有权限" not in response.content.decode()


# --- 5. a deleted account's 流水, read-only, for GB ----------------------------------------------

def test_a_deleted_accounts_journal_is_shown_to_gb_only(client, chain, login):
    account = normal_account(chain)
    perform(account, "delete", chain["gb"], {"reason": "依函退出监管"})
    login(chain["gb"])
    response = client.get(f"/media/{account.pk}/journal/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="removed-note"' in html and "依函退出监管" in html and "仅供查看" in html
    assert "同意添加" in html and "删除" in html
    assert "<form" not in html.split('<main', 1)[1].split("</main>")[0]  # read-only: no action at all
    assert client.get(f"/media/{account.pk}/").status_code == 404  # the record itself is gone
    for user in ("beijing", "haidian", "shangzhuang", "tianjin"):
        login(chain[user])
        assert client.get(f"/media/{account.pk}/journal/").status_code == 404, user


# --- 6. 新媒体标识码 sorted: rows without a code last, both ways -----------------------------------

def test_sorting_by_media_code_puts_rows_without_a_code_last(client, chain, login, accounts):
    login(chain["haidian"])
    for sort in ("media_code", "-media_code"):
        rows = [row["obj"] for row in client.get("/media/", {"sort": sort}).context["rows"]]
        codes = [r.media_code for r in rows]
        assert codes[0] is not None and codes[-1] is None, (sort, codes)
        with_code = [c for c in codes if c]
        assert with_code == sorted(with_code, reverse=sort.startswith("-"))
        assert codes == with_code + [None] * (len(codes) - len(with_code))


# --- 7. L1 screens: 填报单位名称 -----------------------------------------------------------------

def test_l1_screens_head_the_filer_column_with_the_manuals_words(client, chain, login, accounts):
    login(chain["beijing"])
    html = client.get("/media/").content.decode()
    thead = html.split("<thead", 1)[1].split("</thead>", 1)[0]
    assert "填报单位名称" in thead and "填报单位全称" not in thead
    for user in ("haidian", "gb", "shangzhuang"):
        login(chain[user])
        thead = client.get("/media/").content.decode().split("<thead", 1)[1].split("</thead>", 1)[0]
        assert "填报单位全称" in thead, user
