"""The shared list renderer escapes every cell unless a column built safe markup (format_html):
a stored <script> name stays text in every list."""
from django.utils.html import format_html

from govmedia.common.lists import Column, ListSpec, table_body
from tests.factories import make_filer

XSS = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def _assert_text_only(html: str):
    assert XSS not in html and "<script>alert" not in html
    assert ESCAPED in html


def test_media_list_escapes_a_stored_script_name(client, chain, login):
    from tests.accounts_media.conftest import submit

    submit(chain["shangzhuang"], name=XSS, operator=XSS)
    for user in ("shangzhuang", "haidian"):
        login(chain[user])
        _assert_text_only(client.get("/media/").content.decode())


def test_website_list_escapes_a_stored_script_name(client, chain, login):
    from django.contrib.auth.models import AnonymousUser

    from tests.websites.test_websites import STEP_ONE, STEP_TWO
    from websites import services

    services.apply({**STEP_ONE, **STEP_TWO, "name": XSS, "sponsor": XSS, "org_unit": chain["haidian"].org_unit},
                   AnonymousUser())
    login(chain["haidian"])
    html = client.get("/websites/review/", {"q": "script"}).content.decode()
    _assert_text_only(html)
    assert 'data-confirm="确定审核通过' not in html  # 未提交: only 提交 is offered
    _assert_text_only(client.get("/websites/review/").content.decode())


def test_filer_list_escapes_a_stored_script_name(client, chain, login, tree):
    make_filer(tree["110108"], XSS, serial=7)
    login(chain["haidian"])
    _assert_text_only(client.get("/filer-units/").content.decode())


def test_a_column_is_escaped_unless_it_returns_format_html(rf, chain):
    class Row:
        pk = 1
        name = XSS

    spec = ListSpec(name="t", filterset_class=None, columns=[], actions=lambda row, request: "<b>raw</b>")
    columns = [Column("plain", "纯文本", lambda r: r.name),
               Column("careless", "粗心的列", lambda r: r.name, html=lambda r: f"<i>{r.name}</i>"),
               Column("safe", "安全的列", lambda r: r.name, html=lambda r: format_html("<i>{}</i>", r.name))]
    html = table_body([Row()], columns, spec, rf.get("/"), 1)
    assert html.count(ESCAPED) == 3 and "<script>" not in html
    assert f"&lt;i&gt;{ESCAPED}&lt;/i&gt;" in html  # a bare str with markup is shown, not run
    assert f"<i>{ESCAPED}</i>" in html              # format_html markup passes, its values escaped
    assert "&lt;b&gt;raw&lt;/b&gt;" in html           # the 操作 column too


def test_a_typed_filter_value_stays_text_in_the_filter_bar(client, chain, login):
    """The filter bar is built in Python (govmedia.common.lists.filter_controls): what a person
    typed comes back in its box as text, in every kind of control."""
    from urllib.parse import urlencode

    login(chain["haidian"])
    page = client.get("/media/?" + urlencode({"name": XSS, "media_code": XSS, "status": XSS,
                                              "functions": XSS})).content.decode()
    assert XSS not in page and "<script>alert" not in page
    assert f'name="name" id="id_name" class="form-control form-control-sm" value="{ESCAPED}"' in page
