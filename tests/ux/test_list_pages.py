"""Every list page reachable from the menu is built on the one list machinery
(govmedia/common/lists.py: filters, column chooser, sort, paging, export as a job).

A list page is a page of a collection — its route takes no argument, unlike a record's page — that
shows a table. The pages walked are every role's main pages (tests/everyday.py), which hold every
menu entry and the pages those entries lead to (tabs, sub-navigation, 用户设置's links)."""
import re

import pytest
from django.urls import resolve

from govmedia.common.lists import ListSpec
from govmedia.navigation import menu_for
from tests.everyday import build

# Lists still drawn by hand, each converted by another change of issue #24 (the lead empties this
# set after merging them).
EXEMPT: set[str] = set()  # every menu list page is on the machinery
# Pages of no argument that show a table without being a list of records.
NOT_A_LIST = {
    "dashboard:home": "数据看板: panels of aggregates, each drilling down to a list",
    "websites:statistics": "基本信息统计: one row of counts per directly subordinate unit, with totals and a chart",
    "notifications:preferences": "消息提醒设置: a form laid out as a table of kinds × channels",
    "media:import": "批量导入: the upload form and the template's column guide",
    "media:guide": "查找新媒体账号信息指南: the manual's reference tables",
    "reports:guide": "抽查上报说明: the manual's reference table",
    "websites:site_journal": "the operator's own website's 流水: one record's history, as every record's 流水 page",
}
TABLE = re.compile(r"<table\b")


def collection_pages(client, data):
    """(role, url name, response) for every main page of a collection (a route of no argument)."""
    for role, pages in data["pages"].items():
        if role == "public":
            continue
        client.force_login(data["users"][role])
        for _, url in pages:
            match = resolve(url.split("?")[0])
            if match.args or match.kwargs.keys() - {"access"}:
                continue  # a record's page
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            yield role, match.view_name, response


@pytest.mark.django_db
def test_every_list_page_of_the_menu_is_built_on_the_list_machinery(client):
    data = build()
    seen, hand_made = set(), set()
    for role, name, response in collection_pages(client, data):
        seen.add(name)
        if name in EXEMPT or name in NOT_A_LIST or not TABLE.search(response.content.decode()):
            continue  # a page that shows no table lists nothing (a form, a settings page …)
        spec = response.context.get("spec") if response.context else None
        if not isinstance(spec, ListSpec) or "body" not in response.context:
            hand_made.add(f"{role} {name}")
    assert not hand_made, f"list pages not built on govmedia/common/lists.py: {sorted(hand_made)}"
    assert {"journal:org_log", "jobs:center", "reports:list", "reports:overview", "notices:list",
            "websites:offline_reviews", "websites:org_contacts", "accounts:org_users", "dashboard:overdue",
            "filer_units:list", "media:list", "websites:review_list"} <= seen
    assert set(NOT_A_LIST) <= seen  # each exception names a page that exists


@pytest.mark.django_db
def test_every_menu_entry_is_among_the_pages_walked(client):
    data = build()
    walked = {resolve(url.split("?")[0]).view_name for role, pages in data["pages"].items() for _, url in pages}
    for role, user in data["users"].items():
        for item in menu_for(user):
            assert item.url_name in walked, (role, item.url_name)
