from django.urls import reverse

from accounts_media.models import MediaAccount, Status
from accounts_media.services import perform
from tests.accounts_media.conftest import WX_URL, account_data, approve, normal_account, submit
from tests.accounts_media.test_workflow import CLOSE

FORM = {
    "operator": "海淀区上庄镇政府", "account_type": "WX", "wechat_kind": "subscription", "url": WX_URL,
    "name": "上庄发布", "represents_government": "0", "func_publish": "on", "func_interact": "on",
}
REVIEW = {"result": "approve", "reviewer_name": "王审核", "reviewer_phone": "18812348822"}


def test_filer_adds_an_account_with_submit_or_save(client, chain, login):
    login(chain["shangzhuang"])
    response = client.post("/media/add/", {**FORM, "save": "1"})
    draft = MediaAccount.objects.get()
    assert response["Location"] == f"/media/{draft.pk}/" and draft.status == Status.DRAFT
    assert draft.platform_id == "MzA5MDk1MjI5MA==" and draft.org_path == "/GB0000/110000/110108/"
    response = client.post(f"/media/{draft.pk}/edit/", {**FORM, "submit": "1"})
    draft.refresh_from_db()
    assert draft.status == Status.ADD_PENDING and draft.reviewer.code == "110108"


def test_the_add_form_refuses_bad_input_and_saves_nothing(client, chain, login):
    login(chain["shangzhuang"])
    html = client.post("/media/add/", {"account_type": "WX", "submit": "1"}).content.decode()
    for message in ("开设主体不能为空", "链接不能为空", "名称不能为空", "请选择微信公众号类型", "请至少选择一项功能"):
        assert message in html
    html = client.post("/media/add/", {**FORM, "url": "https://mp.weixin.qq.com/s/AbCdEf123", "submit": "1"}).content.decode()
    assert "__biz" in html
    html = client.post("/media/add/", {**FORM, "account_type": "QT", "url": "https://example.gov.cn/app",
                                       "func_other": "on", "submit": "1"}).content.decode()
    assert "必须填写其他账号类型/平台名称" in html and "勾选“其他功能”时必须填写其他功能内容" in html
    assert MediaAccount.objects.count() == 0


def test_a_taken_account_names_its_holder(client, chain, login):
    submit(chain["tianjin_filer"])
    login(chain["shangzhuang"])
    html = client.post("/media/add/", {**FORM, "submit": "1"}).content.decode()
    assert "已由“和平区教育局”（120101M001）报送" in html


def test_review_page_and_the_chain_over_http(client, chain, login):
    account = submit(chain["shangzhuang"])
    login(chain["beijing"])
    response = client.get(f"/media/{account.pk}/review/")  # not its turn yet: the state, not a permission
    assert response.status_code == 409 and "不在本单位审核" in response.content.decode()
    login(chain["haidian"])
    page = client.get(f"/media/{account.pk}/review/").content.decode()
    for word in ("添加待审核", "同意添加", "驳回添加", "驳回原因", "审核人姓名", "审核人电话", "188xxxx8822或010-35xxxx21"):
        assert word in page
    html = client.post(f"/media/{account.pk}/review/", {**REVIEW, "result": "reject", "version": account.version}).content.decode()
    assert "驳回原因不能为空" in html
    html = client.post(f"/media/{account.pk}/review/", {**REVIEW, "reviewer_phone": "123", "version": account.version}).content.decode()
    assert "请输入正确的手机号或座机号" in html
    response = client.post(f"/media/{account.pk}/review/", {**REVIEW, "version": account.version})
    assert response.status_code == 302
    # The same form sent again (a double click, a second reviewer): told it was handled.
    response = client.post(f"/media/{account.pk}/review/", {**REVIEW, "version": account.version})
    assert response.status_code == 409 and "该申请已被处理" in response.content.decode()
    login(chain["beijing"])
    account.refresh_from_db()
    client.post(f"/media/{account.pk}/review/", {**REVIEW, "version": account.version})
    account.refresh_from_db()
    assert account.status == Status.NORMAL and account.media_code == "110108M001WX0001"
    assert "110108M001WX0001" in client.get(f"/media/{account.pk}/").content.decode()
    journal = client.get(f"/media/{account.pk}/journal/").content.decode()
    assert journal.count("同意添加") >= 2 and "王审核" in journal and "海淀区（110108）" in journal


def test_modify_review_is_refused_to_beijing_and_shows_old_and_new(client, chain, login):
    account = perform(normal_account(chain), "request_modify", chain["shangzhuang"], account_data(name="上庄镇发布"))
    login(chain["beijing"])
    assert client.get(f"/media/{account.pk}/review/").status_code == 403
    assert client.post(f"/media/{account.pk}/review/", {**REVIEW, "version": account.version}).status_code == 403
    login(chain["haidian"])
    page = client.get(f"/media/{account.pk}/review/").content.decode()
    assert "上庄发布" in page and "改为:" in page and "上庄镇发布" in page and "驳回意见" in page


def test_other_province_gets_404_everywhere(client, chain, login):
    account = submit(chain["shangzhuang"])
    login(chain["tianjin"])
    for suffix in ("", "journal/", "review/", "rejection/", "restore/"):
        assert client.get(f"/media/{account.pk}/{suffix}").status_code == 404, suffix
    login(chain["tianjin_filer"])
    for suffix in ("", "journal/", "edit/", "modify/", "close/"):
        assert client.get(f"/media/{account.pk}/{suffix}").status_code == 404, suffix
    assert client.post(f"/media/{account.pk}/do/abandon_add/").status_code == 404


def test_state_never_changes_on_get(client, chain, login):
    account = submit(chain["shangzhuang"])
    login(chain["shangzhuang"])
    assert client.get(f"/media/{account.pk}/do/abandon_add/").status_code == 405
    account.refresh_from_db()
    assert account.status == Status.ADD_PENDING


def test_rejection_dialog_and_its_buttons(client, chain, login):
    account = perform(normal_account(chain), "request_close", chain["shangzhuang"], CLOSE)
    login(chain["haidian"])
    client.post(f"/media/{account.pk}/review/", {**REVIEW, "result": "reject", "reason": "仍在更新", "version": account.version})
    login(chain["shangzhuang"])
    page = client.get(f"/media/{account.pk}/rejection/").content.decode()
    for word in ("关停被驳回", "驳回关停", "仍在更新", "王审核", "18812348822", "放弃关停申请的账号视为正常账号",
                 "放弃关停申请", "重新关停申请", "李申请"):
        assert word in page
    account.refresh_from_db()
    response = client.post(f"/media/{account.pk}/do/abandon_close/", {"version": account.version})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == Status.NORMAL


def test_close_form_requires_everything_and_warns(client, chain, login):
    account = normal_account(chain)
    login(chain["shangzhuang"])
    page = client.get(f"/media/{account.pk}/close/").content.decode()
    assert "请确保账号已注销或下线，未完成注销的请勿关停。填写申请信息，一旦提交不得修改！" in page
    html = client.post(f"/media/{account.pk}/close/", {}).content.decode()
    for message in ("申请人姓名不能为空", "申请人电话不能为空", "请选择关停原因", "注销日期不能为空", "详细说明不能为空"):
        assert message in html
    html = client.post(f"/media/{account.pk}/close/", {**CLOSE, "detail": "长" * 501}).content.decode()
    assert "详细说明不能超过500字" in html
    assert client.post(f"/media/{account.pk}/close/", CLOSE).status_code == 302
    account.refresh_from_db()
    assert account.status == Status.CLOSE_PENDING


def test_restore_page_is_for_the_l1_unit_once(client, chain, login):
    account = approve(perform(normal_account(chain), "request_close", chain["shangzhuang"], CLOSE), chain["haidian"])
    login(chain["haidian"])
    assert client.get(f"/media/{account.pk}/restore/").status_code == 403  # role: L1 only
    login(chain["beijing"])
    page = client.get(f"/media/{account.pk}/restore/").content.decode()
    assert "关停恢复申请最多申请一次，请谨慎填写！" in page
    data = {"applicant_name": "赵恢复", "applicant_phone": "18812348822", "reason": "误关停"}
    assert client.post(f"/media/{account.pk}/restore/", data).status_code == 302
    login(chain["gb"])
    account.refresh_from_db()
    client.post(f"/media/{account.pk}/review/", {**REVIEW, "version": account.version})
    account.refresh_from_db()
    assert account.status == Status.NORMAL
    account = approve(perform(account, "request_close", chain["shangzhuang"], CLOSE), chain["haidian"])
    login(chain["beijing"])
    response = client.get(f"/media/{account.pk}/restore/")  # a second restore is refused, saying why
    assert response.status_code == 409 and "关停账号只能恢复一次" in response.content.decode()


def test_delete_by_gb_only(client, chain, login):
    account = normal_account(chain)
    login(chain["beijing"])
    assert client.get(f"/media/{account.pk}/delete/").status_code == 403
    login(chain["gb"])
    assert "删除原因不能为空" in client.post(f"/media/{account.pk}/delete/", {}).content.decode()
    assert client.post(f"/media/{account.pk}/delete/", {"reason": "依函退出监管"}).status_code == 302
    assert MediaAccount.objects.get(pk=account.pk).removal == "deleted"


def test_tabs_and_what_awaits_each_unit(client, chain, login):
    pending = submit(chain["shangzhuang"])
    perform(__import__("accounts_media.services", fromlist=["x"]).new_account(chain["shangzhuang"]), "save_draft",
            chain["shangzhuang"], account_data(account_type="WB", wechat_kind="", url="https://weibo.com/u/2265830070",
                                               platform_id="2265830070"))
    login(chain["haidian"])
    response = client.get("/media/", {"tab": "pending"})
    counts = response.context["counts"]
    assert {k: counts[k] for k in ("submitted", "drafts", "pending")} == {"submitted": 1, "drafts": 1, "pending": 1}
    assert "已报送新媒体账号共计 1 个：微信公众号 1 个，新浪微博 0 个，移动客户端 0 个，其他 0 个" in response.content.decode()
    assert [r["obj"].pk for r in response.context["rows"]] == [pending.pk]
    assert "审核" in response.content.decode()
    assert ('data-testid="tab-pending">\n      待审核 <span class="badge rounded-pill text-bg-danger">1</span>'
            in response.content.decode())
    kept = client.get("/media/", {"tab": "pending", "account_type": "WX"}).content.decode()  # a filter survives a tab change
    assert 'href="?account_type=WX&amp;tab=submitted" data-testid="tab-submitted"' in kept
    login(chain["beijing"])
    response = client.get("/media/", {"tab": "pending"})
    assert response.context["counts"]["pending"] == 0 and "rejected" in response.context["counts"]
    login(chain["shangzhuang"])
    response = client.get("/media/", {"tab": "drafts"})
    assert [t.key for t in response.context["tabs"]] == ["submitted", "drafts", "rejected"]
    html = response.content.decode()  # the tab bar: the current tab marked, the other filters kept, no empty badge
    assert '<a class="nav-link active" aria-current="page" href="?tab=drafts" data-testid="tab-drafts">' in html
    assert 'href="?tab=rejected" data-testid="tab-rejected">\n      被驳回\n    </a>' in html
    assert response.context["counts"]["drafts"] == 1
    login(chain["tianjin"])
    counts = client.get("/media/").context["counts"]
    assert {k: counts[k] for k in ("submitted", "drafts", "pending", "rejected", "reported")} == {
        "submitted": 0, "drafts": 0, "pending": 0, "rejected": 0, "reported": 0}


def test_one_final_approval_costs_a_bounded_number_of_queries(chain, django_assert_max_num_queries):
    account = submit(chain["commerce"], operator="北京市商务局")
    account = MediaAccount.objects.get(pk=account.pk)
    with django_assert_max_num_queries(12):  # issue 26 (tests/accounts_media/test_approval_queries.py: 9)
        account = approve(account, chain["beijing"])
    assert account.media_code == "110000M001WX0001"


def test_ops_staff_delete_in_the_admin_through_the_same_rule(client, chain, login):
    account = normal_account(chain)
    login(chain["ops"])
    url = reverse("admin:accounts_media_mediaaccount_change", args=[account.pk])
    assert "删除（退出监管）" in client.get(url).content.decode()
    response = client.post(reverse("admin:accounts_media_retire", args=[account.pk]), {"reason": "依函删除"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.removal == "deleted" and account.removal_reason == "依函删除"
    from reviews.models import JournalEntry

    entry = JournalEntry.objects.filter(subject_type="media_account", subject_id=account.pk).order_by("pk").last()
    assert (entry.action_label, entry.actor_unit_name) == ("删除", "运维人员")


def test_a_second_click_on_a_stale_page_is_told_it_was_handled(client, chain, login):
    import re

    account = submit(chain["shangzhuang"])
    login(chain["haidian"])
    client.post(f"/media/{account.pk}/review/", {**REVIEW, "result": "reject", "result_label": "驳回", "reason": "不全",
                                                 "version": account.version})
    login(chain["shangzhuang"])
    page = client.get(f"/media/{account.pk}/rejection/").content.decode()
    form = re.search(r'<form[^>]*data-transition="abandon_add".*?</form>', page, re.S).group(0)
    assert "放弃后该账号将不再显示在列表中" in form
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    assert client.post(f"/media/{account.pk}/do/abandon_add/", {"version": version}).status_code == 302
    for data in ({"version": version}, {}):  # the stale page, or no version at all
        response = client.post(f"/media/{account.pk}/do/abandon_add/", data)
        html = response.content.decode()
        assert response.status_code == 409 and ("已被处理" in html or "已删除或已放弃" in html) and "您没有权限" not in html
