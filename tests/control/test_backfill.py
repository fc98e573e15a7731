"""Codes for objects that have none (registered before the control app, or bulk-imported without
post_save) are issued set-wise by a scheduled job, never by opening a page (issue 28, 0058)."""
import re

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from control import backfill, services
from control.models import Proof, State
from jobs.schedule import SCHEDULE
from reviews.models import JournalEntry
from tests.control.helpers import make_account, make_site

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|COPY)\b", re.I)


def _without_proofs(chain, monitoring, count=2):
    filer = chain["shangzhuang"].filer_unit
    accounts = [make_account(filer, f"上庄发布{i}", monitoring.url(f"/tt/old{i}"), f"A110108{i:04d}") for i in range(1, count + 1)]
    site = make_site(chain["haidian"].org_unit, "海淀区政府网", monitoring.url("/site/"), "1101080001")
    Proof.objects.all().delete()   # as before the control app, or after a COPY import
    return accounts, site


def test_the_detail_page_shows_unverified_and_writes_nothing(client, login, chain, monitoring):
    accounts, _site = _without_proofs(chain, monitoring)
    login(chain["shangzhuang"])
    journal_before = JournalEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("media:detail", args=[accounts[0].pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "控制权验证" in page and "未验证" in page and "生成验证码" in page
    writes = [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"]) and "django_session" not in q["sql"]]
    assert writes == []
    assert not Proof.objects.exists() and JournalEntry.objects.count() == journal_before
    # 生成验证码 (a POST) issues it; the page then shows the code.
    client.post(reverse("control:check", args=["media_account", accounts[0].pk]))
    proof = Proof.objects.get(subject_type="media_account", subject_id=accounts[0].pk)
    assert services.code(proof) in client.get(reverse("media:detail", args=[accounts[0].pk])).content.decode()
    entry = JournalEntry.objects.filter(subject_type="control_proof", subject_id=proof.pk).latest("id")
    assert (entry.action, entry.actor_unit_name) == ("control_code_issued", "系统")


def test_the_job_issues_missing_codes_in_batches_through_the_table(chain, monitoring):
    accounts, site = _without_proofs(chain, monitoring, count=3)
    mark = JournalEntry.objects.order_by("-id").values_list("id", flat=True).first()
    note = backfill.issue_missing(batch=2)
    assert note == "生成控制权验证码：新媒体账号 3 个，政府网站 1 个"
    proofs = {(p.subject_type, p.subject_id): p for p in Proof.objects.all()}
    assert set(proofs) == {("media_account", a.pk) for a in accounts} | {("website", site.pk)}
    for account in accounts:
        proof = proofs[("media_account", account.pk)]
        assert (proof.link, proof.state, proof.org_path, proof.version) == (account.url, State.UNVERIFIED, account.org_path, 1)
        assert services.current_proof(account) == proof   # the code holds for the current link
    assert proofs[("website", site.pk)].link == site.homepage
    entries = JournalEntry.objects.filter(subject_type="control_proof", id__gt=mark)
    assert entries.count() == 4 and set(entries.values_list("action", "actor_unit_name")) == {("control_code_issued", "系统")}
    assert len({services.code(p) for p in proofs.values()}) == 4
    # A second run finds nothing; the same batch of objects costs the same queries whatever its size.
    assert backfill.issue_missing() == "生成控制权验证码：新媒体账号 0 个，政府网站 0 个"


def test_the_queries_do_not_grow_with_the_number_of_objects(chain, monitoring):
    _without_proofs(chain, monitoring, count=2)
    with CaptureQueriesContext(connection) as few:
        backfill.issue_missing()
    Proof.objects.all().delete()
    filer = chain["shangzhuang"].filer_unit
    for i in range(3, 9):
        make_account(filer, f"上庄资讯{i}", monitoring.url(f"/tt/more{i}"), f"A110108{i:04d}")
    Proof.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        backfill.issue_missing()
    assert Proof.objects.count() == 9
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_command_and_the_hourly_entry(chain, monitoring, capsys):
    _without_proofs(chain, monitoring)
    call_command("control_issue_codes")
    assert "新媒体账号 2 个，政府网站 1 个" in capsys.readouterr().out
    assert Proof.objects.count() == 3
    entry = SCHEDULE["control_codes"]
    assert entry.func == "control.backfill.issue_missing" and entry.every is not None
