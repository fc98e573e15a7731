"""私开账号 → 去备案: a filer unit's unregistered row opens the 添加账号 form prefilled (type, name,
link) and becomes a draft add request linked to the row; or the unit states why not (处理情况).
The count stays in the report either way; no other unit can use the row."""
import time_machine

from accounts_media.models import MediaAccount
from reports.models import CheckSheet
from tests.reports.test_selfchecks import at, open_q1, sheet_of

DOUYIN = "https://www.douyin.com/user/MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE"


def found(client, login, chain):
    open_q1(client, login, chain["haidian"], **{"2": "2026-03-20", "filer": "2026-03-17"})
    town = sheet_of("海淀区上庄镇政府")
    login(chain["shangzhuang"])
    client.get(f"/self-checks/sheets/{town.pk}/")
    client.post(f"/self-checks/sheets/{town.pk}/unregistered/", {"type_label": "抖音", "name": "上庄镇文旅", "link": DOUYIN})
    client.post(f"/self-checks/sheets/{town.pk}/unregistered/", {"type_label": "微博", "name": "上庄旧微博",
                                                                  "link": "https://weibo.com/u/1111111111"})
    return town, town.items.get(name="上庄镇文旅"), town.items.get(name="上庄旧微博")


@time_machine.travel(at(2026, 3, 11), tick=False)
def test_register_opens_the_add_form_prefilled_and_makes_a_draft(client, chain, login):
    town, row, _ = found(client, login, chain)
    sheet_page = client.get(f"/self-checks/sheets/{town.pk}/").content.decode()
    register_url = f"/self-checks/sheets/{town.pk}/unregistered/{row.pk}/register/"
    assert register_url in sheet_page and "去备案" in sheet_page
    form = client.get(register_url).content.decode()
    assert 'value="上庄镇文旅"' in form and DOUYIN in form and '<option value="DY" selected>' in form
    assert 'value="海淀区上庄镇政府"' in form  # 开设主体 from the row's 开设单位
    response = client.post(register_url, {"operator": "海淀区上庄镇政府", "account_type": "DY", "url": DOUYIN,
                                           "name": "上庄镇文旅", "represents_government": "0", "func_publish": "on",
                                           "save": "1"})
    account = MediaAccount.objects.get(name="上庄镇文旅")
    assert response["Location"] == f"/media/{account.pk}/" and account.status == "draft"
    row.refresh_from_db()
    assert row.account_id == account.pk and row.unregistered
    sheet_page = client.get(f"/self-checks/sheets/{town.pk}/").content.decode()
    assert "已去备案" in sheet_page and register_url not in sheet_page
    assert client.get(register_url).status_code == 404  # once per row
    # The count stays in the report: still a 未备案账号 of the quarter, not a checked row.
    client.post(f"/self-checks/sheets/{town.pk}/save/", {"filler_name": "李洋", "filler_phone": "010-62345678",
                                                         **{f"passed_{i.pk}": "1" for i in town.items.filter(unregistered=False)}})
    client.post(f"/self-checks/sheets/{town.pk}/submit/")
    town.refresh_from_db()
    assert (town.status, town.unregistered_count, town.checked_count) == ("submitted", 2, 0)


@time_machine.travel(at(2026, 3, 11), tick=False)
def test_or_the_unit_states_why_not(client, chain, login):
    town, _, old = found(client, login, chain)
    url = f"/self-checks/sheets/{town.pk}/unregistered/{old.pk}/"
    assert "请填写处理情况" in client.post(url, {"rectification": " "}, follow=True).content.decode()
    client.post(url, {"rectification": "账号已停止更新，已申请平台注销，不再备案"})
    old.refresh_from_db()
    assert old.rectification == "账号已停止更新，已申请平台注销，不再备案" and old.account_id is None


@time_machine.travel(at(2026, 3, 11), tick=False)
def test_no_other_unit_can_register_or_edit_the_row(client, chain, login):
    town, row, _ = found(client, login, chain)
    register_url = f"/self-checks/sheets/{town.pk}/unregistered/{row.pk}/register/"
    for other in ("yanyuan", "tianjin_filer"):
        login(chain[other])
        assert client.get(register_url).status_code == 403
        assert client.post(f"/self-checks/sheets/{town.pk}/unregistered/{row.pk}/", {"rectification": "x"}).status_code == 403
    login(chain["haidian"])  # the reviewer reads the row, offers no 去备案
    page = client.get(f"/self-checks/sheets/{town.pk}/").content.decode()
    assert "上庄镇文旅" in page and register_url not in page
    assert client.get(register_url).status_code == 403
    assert not MediaAccount.objects.exists() and CheckSheet.objects.get(pk=town.pk).items.get(pk=row.pk).rectification == ""
