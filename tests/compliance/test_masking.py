"""Personal data minimised (decision 0052): phone numbers masked in lists and exports unless the
viewer is the unit directly above (or the filer unit itself); each full showing journaled. Open
data and the API carry none: tests/verify/test_no_private_fields.py walks every public endpoint."""
from accounts.models import User
from reviews.models import JournalEntry
from tests.accounts.test_filer_list import read_xlsx
from tests.factories import make_filer

LIST = "/filer-units/"


def _choose_all_columns(user, list_name, keys):
    user.preferences = {"columns": {list_name: keys}}
    user.save(update_fields=["preferences"])


def test_filer_list_and_export_mask_phones_except_directly_below(client, users, login, tree):
    direct = make_filer(tree["110000"], "北京市商务局", 1, contact_mobile="13911112222", head_mobile="13833334444")
    lower = make_filer(tree["110108"], "海淀区教育委员会", 5, contact_mobile="13955556666", head_mobile="13877778888")
    login(users["l1"])
    html = client.get(LIST).content.decode()
    assert "13911112222" in html and "13833334444" in html  # 北京市 is directly above 北京市商务局
    assert "13955556666" not in html and "139****6666" in html and "138****8888" in html
    assert JournalEntry.objects.filter(action="personal_data_reveal", actor=users["l1"]).exists()

    rows = read_xlsx(client.post(LIST, {"ids": [direct.pk, lower.pk]}))
    header, body = rows[0], {r[0]: r for r in rows[1:]}
    mobile = [i for i, title in enumerate(header) if title and title.endswith("手机号")]
    assert [body["北京市商务局"][i] for i in mobile] == ["13833334444", "13911112222"]
    assert [body["海淀区教育委员会"][i] for i in mobile] == ["138****8888", "139****6666"]

    login(users["gb"])  # far above: masked everywhere, nothing revealed, nothing journaled
    before = JournalEntry.objects.filter(action="personal_data_reveal").count()
    html = client.get(LIST).content.decode()
    assert "13911112222" not in html and "139****2222" in html
    assert JournalEntry.objects.filter(action="personal_data_reveal").count() == before


def test_media_list_masks_the_account_contact(client, chain, login):
    from tests.accounts_media.conftest import normal_account

    account = normal_account(chain)
    type(account).objects.filter(pk=account.pk).update(contact_mobile="13712340000")
    for who, full in (("shangzhuang", True), ("haidian", True), ("beijing", False), ("gb", False)):
        user = User.objects.get(pk=chain[who].pk)
        _choose_all_columns(user, "media_accounts", ["name", "contact_mobile"])
        login(user)
        html = client.get("/media/", {"tab": "all"}).content.decode()
        assert ("13712340000" in html) is full, who
        assert ("137****0000" in html) is (not full), who


def test_personal_data_is_encrypted_at_rest(tree):
    from django.db import connection

    filer = make_filer(tree["110108"], "海淀区上庄镇政府", contact_mobile="13600001111")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_mobile, head_mobile FROM orgtree_filerunit WHERE id = %s", [filer.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("sm4:") for value in stored) and "13600001111" not in stored[0]


def _ops_client(username="ops_sys", role="sysadmin"):
    from django.test import Client

    from tests.factories import make_user, verify_otp

    ops = make_user(username, User.Kind.OPS, is_staff=True, ops_role=role)
    client = Client()
    client.force_login(ops)
    verify_otp(client, ops)
    return client, ops


def test_ops_see_contacts_masked_until_they_give_a_reason(tree):
    filer = make_filer(tree["110108"], "海淀区上庄镇政府", contact_mobile="13512345678", head_mobile="13800005678")
    client, ops = _ops_client()
    change = f"/ops-admin/orgtree/filerunit/{filer.pk}/change/"
    page = client.get(change).content.decode()
    assert "13512345678" not in page and "135****5678" in page and "查看完整联系方式" in page
    assert not JournalEntry.objects.filter(action="personal_data_reveal").exists()

    reveal = f"/ops-admin/orgtree/filerunit/{filer.pk}/reveal/"
    assert "查看原因" in client.get(reveal).content.decode()
    refused = client.post(reveal, {"reason": ""})
    assert refused.status_code == 200 and "请填写查看原因" in refused.content.decode()
    assert not JournalEntry.objects.filter(action="personal_data_reveal").exists()

    response = client.post(reveal, {"reason": "核对联系人手机号以便电话联系"})
    assert response.status_code == 302 and response["Location"] == change
    entry = JournalEntry.objects.get(action="personal_data_reveal", subject_type="filer_unit", subject_id=filer.pk)
    assert entry.reason == "核对联系人手机号以便电话联系" and entry.actor_id == ops.pk
    assert entry.actor_unit_name == "运维人员（系统管理员）"
    page = client.get(change).content.decode()
    assert "13512345678" in page and 'name="contact_mobile"' in page  # in full, editable for the ops task

    # another row stays masked; saving it while masked keeps the stored numbers (read-only, never posted)
    other = make_filer(tree["110108"], "海淀区西北旺镇政府", 2, contact_mobile="13511112222")
    other_change = f"/ops-admin/orgtree/filerunit/{other.pk}/change/"
    assert "13511112222" not in client.get(other_change).content.decode()
    saved = client.post(other_change, {"name": "海淀区西北旺镇人民政府", "head_name": "张三", "head_title": "主任",
                                       "head_landline": "", "contact_name": "李四", "contact_title": "科员",
                                       "contact_landline": "", "contact_mobile": "135****2222"})
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    other.refresh_from_db()
    assert (other.name, other.contact_mobile) == ("海淀区西北旺镇人民政府", "13511112222")


def test_notification_addresses_masked_in_the_admin_until_a_reason(users):
    from notifications.models import Notification

    note = Notification.objects.create(user=users["l1"], kind="test", title="测试消息", sms_to="13700001111",
                                       email_to="gk@beijing.gov.cn")
    client, _ops = _ops_client()
    change = f"/ops-admin/notifications/notification/{note.pk}/change/"
    page = client.get(change).content.decode()
    assert "13700001111" not in page and "137****1111" in page and "g***@beijing.gov.cn" in page
    client.post(f"/ops-admin/notifications/notification/{note.pk}/reveal/", {"reason": "核查短信未送达原因"})
    entry = JournalEntry.objects.get(action="personal_data_reveal")
    assert (entry.subject_type, entry.subject_id, entry.reason) == ("user", users["l1"].pk, "核查短信未送达原因")
    page = client.get(change).content.decode()
    assert "13700001111" in page and "gk@beijing.gov.cn" in page


def test_detail_pages_mask_phones_by_the_lists_rule(client, chain, login, tree):
    """查看 of an account and of a website: in full for the unit directly above (and the filer unit
    itself), masked for a unit further up; a full showing journaled naming the row."""
    from tests.accounts_media.conftest import normal_account
    from tests.factories import make_website

    account = normal_account(chain)
    type(account).objects.filter(pk=account.pk).update(contact_mobile="13712340000")
    for who, full in (("haidian", True), ("shangzhuang", True), ("beijing", False)):
        login(User.objects.get(pk=chain[who].pk))
        revealed = JournalEntry.objects.filter(action="personal_data_reveal", subject_type="media_account",
                                               subject_id=account.pk, actor_id=chain[who].pk)
        html = client.get(f"/media/{account.pk}/").content.decode()
        assert ("13712340000" in html) is full and ("137****0000" in html) is (not full), who
        assert revealed.exists() is full, who

    site = make_website(tree["110108"], "海淀区政府网站", head_email="head@example.gov.cn")
    for who, full in (("haidian", True), ("beijing", False)):
        login(User.objects.get(pk=chain[who].pk))
        html = client.get(f"/websites/review/{site.pk}/").content.decode()
        assert ("13811112222" in html) is full and ("138****2222" in html) is (not full), who
        assert ("web@example.gov.cn" in html) is full and ("w***@example.gov.cn" in html) is (not full), who
        assert ("head@example.gov.cn" in html) is full, who


def test_filer_unit_detail_masks_phones_for_a_unit_further_up(client, users, login, tree):
    filer = make_filer(tree["110108"], "海淀区苏家坨镇政府", 3, contact_mobile="13911112222", head_mobile="13833334444")
    login(users["org"])  # 海淀区: directly above
    before = JournalEntry.objects.filter(action="personal_data_reveal", subject_type="filer_unit").count()
    html = client.get(f"/filer-units/{filer.pk}/").content.decode()
    assert "13911112222" in html and "13833334444" in html and "查看填报单位" in html
    assert JournalEntry.objects.filter(action="personal_data_reveal", subject_type="filer_unit").count() == before + 1
    login(users["l1"])  # 北京市: further up
    html = client.get(f"/filer-units/{filer.pk}/").content.decode()
    assert "13911112222" not in html and "139****2222" in html and "138****4444" in html
    assert JournalEntry.objects.filter(action="personal_data_reveal", subject_type="filer_unit").count() == before + 1
    login(users["l1_other"])  # 天津市: not its subtree
    assert client.get(f"/filer-units/{filer.pk}/").status_code == 404


def test_media_list_reads_no_phone_it_does_not_show(client, chain, login):
    """Decrypting is ~10 µs a value: the list reads its rows without their filer units' phones, and
    without the account contact's phone unless 显示字段 shows it (then with it, no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.accounts_media.conftest import normal_account

    for i in range(3):
        account = normal_account(chain, name=f"联系人{i}", platform_id=f"C{i}", url=f"https://mp.weixin.qq.com/s?__biz=C{i}&mid=1")
        type(account).objects.filter(pk=account.pk).update(contact_mobile=f"1371234000{i}")
    user = User.objects.get(pk=chain["haidian"].pk)
    login(user)

    def page_statements():
        client.get("/media/", {"tab": "all"})  # warm: the tab counts cached
        with CaptureQueriesContext(connection) as ctx:
            html = client.get("/media/", {"tab": "all"}).content.decode()
        return [q["sql"] for q in ctx.captured_queries if 'FROM "accounts_media_mediaaccount"' in q["sql"]], html

    plain, html = page_statements()
    assert plain and not any('"accounts_media_mediaaccount"."contact_mobile"' in sql for sql in plain)
    assert not any('"orgtree_filerunit"."head_mobile"' in sql or '"orgtree_filerunit"."contact_mobile"' in sql for sql in plain)
    assert "137****" not in html
    _choose_all_columns(user, "media_accounts", ["name", "contact_mobile"])
    with_contact, html = page_statements()
    assert len(with_contact) == len(plain) and any('"accounts_media_mediaaccount"."contact_mobile"' in sql for sql in with_contact)
    assert "13712340001" in html  # 海淀区 is directly above the filer unit: in full
