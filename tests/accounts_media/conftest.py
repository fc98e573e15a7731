from accounts_media import services

WX_URL = "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&mid=2247484158&idx=1&sn=abc"
WB_URL = "https://weibo.com/u/2265830070"

REVIEW_OK = {"result": "approve", "result_label": "同意", "reviewer_name": "王审核", "reviewer_phone": "18812348822"}


def account_data(**overrides):
    data = {
        "operator": "海淀区上庄镇政府", "account_type": "WX", "wechat_kind": "subscription", "platform_name": "",
        "url": WX_URL, "platform_id": "MzA5MDk1MjI5MA==", "name": "上庄发布", "represents_government": False,
        "func_publish": True, "func_service": False, "func_interact": True, "func_other": False,
        "func_other_text": "", "contact_name": "", "contact_title": "", "contact_mobile": "", "contact_landline": "",
    }
    data.update(overrides)
    return data


def submit(filer_user, **overrides):
    return services.perform(services.new_account(filer_user), "submit", filer_user, account_data(**overrides))


def approve(account, user, **extra):
    return services.perform(account, _review_action(account, "approve"), user, {**REVIEW_OK, **extra})


def reject(account, user, reason="信息不完整"):
    data = {**REVIEW_OK, "result": "reject", "result_label": "驳回", "reason": reason}
    return services.perform(account, _review_action(account, "reject"), user, data)


def _review_action(account, which):
    from accounts_media.workflow import REVIEWS

    approve_name, reject_name, _, _ = REVIEWS[account.status]
    return approve_name if which == "approve" else reject_name


def normal_account(chain, filer="shangzhuang", **overrides):
    """An approved account: submitted and approved up the chain to L1."""
    account = submit(chain[filer], **overrides)
    while account.status == "add_pending":
        reviewer = next(u for u in chain.values() if getattr(u, "org_unit_id", None) == account.reviewer_id)
        account = approve(account, reviewer)
    return account
