"""Pages that read, print and work on any screen: the list pages at 1366 px and on a 390 px phone
(bounding boxes, no overlap; every menu page's screenshots at 1024, 1366 and 390 are taken by
test_accessibility.py), the print stylesheet (A4 landscape), and the one Chinese date picker in an English browser."""
import re

import pytest

from tests.browser.everyday_helpers import signed_in_context
from tests.everyday import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERLAPS = """() => {
  // Pairs of cells of one table row whose boxes intersect (a sticky cell over its neighbours).
  const hits = [];
  document.querySelectorAll(".list-table tr").forEach(tr => {
    const cells = [...tr.children].map(c => [c.textContent.trim().slice(0, 12), c.getBoundingClientRect()]);
    for (let i = 0; i < cells.length; i++) for (let j = i + 1; j < cells.length; j++) {
      const [a, ra] = cells[i], [b, rb] = cells[j];
      if (ra.width && rb.width && ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1)
        hits.push(a + " × " + b);
    }
  });
  return hits;
}"""


def header_box(page, title):
    return page.locator(".list-table thead th", has_text=re.compile(f"^\\s*{title}")).first.bounding_box()


def test_lists_at_1366_and_1440_keep_every_column_clear_of_the_actions_column(browser, live_server):
    data = build()
    context = signed_in_context(browser, live_server, data["users"]["org"], viewport={"width": 1366, "height": 768})
    page = context.new_page()
    for url in ("/media/", "/media/?tab=pending", "/websites/review/"):
        page.goto(url)
        assert page.locator(".list-table tbody tr").count() >= 1
        assert page.evaluate(OVERLAPS) == [], url
        actions = header_box(page, "操作")
        for title in ("名称", "修改时间", "审核定位", "网站名称"):
            if page.locator(".list-table thead th", has_text=re.compile(f"^\\s*{title}")).count():
                box = header_box(page, title)
                assert box["x"] + box["width"] <= actions["x"] + 1, (url, title)
        # Scrolled to the far right, still nothing under the 操作 column.
        page.evaluate("document.querySelector('.table-responsive').scrollLeft = 10000")
        assert page.evaluate(OVERLAPS) == [], url
        assert page.locator(".list-table thead th.col-actions").evaluate("e => getComputedStyle(e).position") == "static"

    # 填报单位用户管理 at 1440 px: the page exists for 用户名 / 密码, both on screen without scrolling;
    # only the 操作 cells carry the actions style, never the last sub-header (联系人·座机号).
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/filer-units/")
    assert page.evaluate(OVERLAPS) == []
    for title in ("用户名", "密码"):
        box = header_box(page, title)
        assert 0 <= box["x"] and box["x"] + box["width"] <= 1440, title
    sub_headers = page.locator(".list-table thead tr").nth(1).locator("th")
    assert sub_headers.last.inner_text().strip() == "座机号"
    assert sub_headers.last.evaluate("e => getComputedStyle(e).position") == "static"
    assert "col-actions" not in (sub_headers.last.get_attribute("class") or "")
    context.close()



def test_on_a_phone_buttons_keep_their_labels_on_one_line_and_filters_fold_behind_a_toggle(browser, live_server):
    data = build()
    context = signed_in_context(browser, live_server, data["users"]["org"], viewport={"width": 390, "height": 844})
    page = context.new_page()
    for url in ("/media/", "/filer-units/", "/websites/review/"):
        page.goto(url)
        buttons = page.locator("main .btn:visible:not(.table-responsive .btn)")
        assert buttons.count() >= 3
        for i in range(buttons.count()):
            button = buttons.nth(i)
            box = button.bounding_box()
            assert box["height"] <= 40, (url, button.inner_text(), box)  # one line (.btn-sm is ~31 px)
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, (url, button.inner_text(), box)
        # The filter form is folded; 筛选 opens it; the list starts on the first screen.
        form = page.locator("form.list-filters")
        assert form.is_hidden()
        assert page.locator(".list-table").bounding_box()["y"] < 844, url
        page.get_by_role("button", name="筛选").click()
        form.wait_for(state="visible")
        assert page.get_by_role("button", name="筛选").get_attribute("aria-expanded") == "true"
    # A filter applied: the form comes back open, showing what is filtered.
    page.goto("/media/?name=上庄")
    assert page.locator("form.list-filters").is_visible()
    # Wider than a phone, the form is always there and the toggle is not.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/media/")
    assert page.locator("form.list-filters").is_visible()
    assert page.get_by_role("button", name="筛选").is_hidden()
    context.close()


def test_a_printed_list_is_the_table_alone_and_fits_a4_landscape(browser, live_server, tmp_path):
    data = build()
    # A4 landscape at 96 dpi: 297 mm less the 10 mm margins = 277 mm ≈ 1047 px.
    context = signed_in_context(browser, live_server, data["users"]["org"], viewport={"width": 1047, "height": 740})
    page = context.new_page()
    for url in ("/media/", "/filer-units/", "/websites/review/"):
        page.goto(url)
        page.emulate_media(media="print")
        for hidden in ("header.app-header", "footer.app-footer", "form.list-filters", "main .btn",
                       ".list-table .col-actions", ".list-table .col-select", ".list-pagination form"):
            assert page.locator(hidden).first.is_hidden(), (url, hidden)
        assert page.locator(".list-table table").is_visible()
        width = page.evaluate("document.querySelector('.list-table table').getBoundingClientRect().width")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1047 and scroll <= 1047, (url, width, scroll)
        # Every column is printed (none cut off on the right) and the header repeats on each page.
        last_header = page.locator(".list-table thead tr").first.locator("th:visible").last.bounding_box()
        assert last_header["x"] + last_header["width"] <= 1047, url
        assert page.locator(".list-table thead").evaluate("e => getComputedStyle(e).display") == "table-header-group"
        assert page.locator(".list-table td").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") < 10
        pdf = page.pdf(format="A4", landscape=True, prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
        page.emulate_media(media="screen")
    (tmp_path / "list.pdf").write_bytes(pdf)
    context.close()


def test_every_date_input_is_the_chinese_picker_even_in_an_english_browser(browser, live_server):
    data = build()
    context = signed_in_context(browser, live_server, data["users"]["org"], locale="en-US",
                                viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto("/filer-units/")
    field = page.locator("#id_created_from")
    assert field.get_attribute("type") == "text" and field.get_attribute("placeholder") == "年-月-日"
    field.click()
    calendar = page.locator(".flatpickr-calendar.open")
    calendar.wait_for(state="visible")
    weekdays = calendar.locator(".flatpickr-weekday").all_inner_texts()
    assert [w.strip() for w in weekdays] == ["周日", "周一", "周二", "周三", "周四", "周五", "周六"]
    assert "月" in calendar.locator(".flatpickr-monthDropdown-months option:checked, .cur-month").first.inner_text()
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text=re.compile(r"^15$")).click()
    value = field.input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-15", value), value
    page.keyboard.press("Escape")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(f"**created_from={value}**")
    assert page.locator("#id_created_from").input_value() == value
    # Typing works too, and so does every other date input: filters of 新媒体账号信息 and 操作日志.
    for url, ids in (("/media/", ("#id_created_from", "#id_created_to", "#id_updated_from", "#id_updated_to")),
                     ("/journal/", ("#id_date_from", "#id_date_to"))):
        page.goto(url)
        for element_id in ids:
            assert page.locator(element_id).get_attribute("data-date-picker") == "zh", (url, element_id)
            assert page.locator(element_id).get_attribute("placeholder") == "年-月-日", (url, element_id)
    assert page.locator("input[type=date]").count() == 0
    context.close()

    # A form's date (关停: 注销日期) in the filer's English browser.
    context = signed_in_context(browser, live_server, data["users"]["filer"], locale="en-US")
    page = context.new_page()
    page.goto(f"/media/{data['normal'].pk}/close/")
    cancel = page.locator("#id_cancel_date")
    assert cancel.get_attribute("type") == "text" and cancel.get_attribute("placeholder") == "年-月-日"
    cancel.click()
    assert page.locator(".flatpickr-calendar.open .flatpickr-weekday").first.inner_text().strip() == "周日"
    context.close()
