import threading

import pytest
from django.db import connections

from accounts_media import services
from accounts_media.models import MediaAccount, Status
from reviews.engine import AlreadyHandled
from reviews.models import JournalEntry
from tests.accounts_media.conftest import REVIEW_OK, account_data
from tests.conftest import requires_postgres
from tests.factories import make_filer, make_org_user, make_small_tree

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def _pending_accounts(n):
    tree = make_small_tree()
    beijing = make_org_user(tree["110000"])
    filer = make_filer(tree["110000"], "北京市商务局").user
    accounts = []
    for i in range(n):
        data = account_data(account_type="BL", wechat_kind="", url=f"https://space.bilibili.com/{1000 + i}",
                            platform_id=str(1000 + i), name=f"商务发布{i}")
        accounts.append(services.perform(services.new_account(filer), "submit", filer, data))
    return beijing, accounts


def _run_in_threads(jobs):
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job):
        try:
            barrier.wait()
            results.append(job())
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_fifty_parallel_final_approvals_get_fifty_distinct_codes():
    beijing, accounts = _pending_accounts(50)

    def job(account):
        return lambda: services.perform(MediaAccount.objects.get(pk=account.pk), "approve_add", beijing, REVIEW_OK).media_code

    codes, errors = _run_in_threads([job(a) for a in accounts])
    assert errors == []
    assert sorted(codes) == [f"110000M001BL{n:04d}" for n in range(1, 51)]
    assert MediaAccount.objects.filter(status=Status.NORMAL).count() == 50


def test_two_reviewers_at_once_one_wins_one_is_told():
    beijing, (account,) = _pending_accounts(1)
    version = account.version

    def approve_job():
        return services.perform(MediaAccount.objects.get(pk=account.pk), "approve_add", beijing, REVIEW_OK, expected_version=version)

    def reject_job():
        return services.perform(MediaAccount.objects.get(pk=account.pk), "reject_add", beijing,
                                {**REVIEW_OK, "reason": "x"}, expected_version=version)

    results, errors = _run_in_threads([approve_job, reject_job])
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], AlreadyHandled) and "该申请已被处理" in errors[0].message
    reviews = JournalEntry.objects.filter(subject_id=account.pk, action__in=["approve_add", "reject_add"])
    assert reviews.count() == 1


def test_parallel_approvals_of_one_unit_keep_its_counts_exact():
    """Different account types (different code counters) of one filer unit, approved at once."""
    tree = make_small_tree()
    beijing = make_org_user(tree["110000"])
    filer = make_filer(tree["110000"], "北京市商务局").user
    links = {"WX": "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5{}==", "WB": "https://weibo.com/u/22658300{}",
             "DY": "https://www.douyin.com/user/MS4wLjABAAAAparallel{}", "TT": "https://www.toutiao.com/c/user/10903046838{}/",
             "BJ": "https://author.baidu.com/home?app_id=15821493440081{}", "BL": "https://space.bilibili.com/4343774{}",
             "XH": "https://www.xiaohongshu.com/user/profile/5eb8e1d4000000000100{}", "KH": "https://apps.apple.com/app/id14855533{}"}
    from accounts_media.platforms import extract_platform_id

    accounts = []
    for code, template in links.items():
        for i in range(3):
            url = template.format(f"{i + 10:02d}" if code != "XH" else f"{i + 10:04d}")
            data = account_data(account_type=code, wechat_kind="subscription" if code == "WX" else "", url=url,
                                platform_id=extract_platform_id(code, url))
            accounts.append(services.perform(services.new_account(filer), "submit", filer, data))

    def job(account):
        return lambda: services.perform(MediaAccount.objects.get(pk=account.pk), "approve_add", beijing, REVIEW_OK)

    _, errors = _run_in_threads([job(a) for a in accounts])
    assert errors == []
    from orgtree.models import FilerUnit

    unit = FilerUnit.objects.get(pk=filer.filer_unit_id)
    assert (unit.media_count, unit.account_total) == (len(accounts), len(accounts))
