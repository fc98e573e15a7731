"""The national-scale websites of the benchmarks (generate_scale_websites): every state the
workflows leave a website in, consistent with them, with the journal real use writes, and
workable by the real engine."""
from collections import Counter

from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from orgtree.models import OrgUnit
from reviews.models import JournalEntry
from websites.models import Filing, Offline, RunStatus, Website
from websites import services
from websites.services import perform
from websites.workflow import WORKFLOW

LABEL = dict(Filing.choices)


def test_scale_websites_are_what_the_workflows_leave(db):
    call_command("generate_scale_websites", "--scale", "0.02", "--seed", "5")
    sites = list(Website.objects.select_related("org_unit", "reviewer", "offline_reviewer", "operator_user"))
    assert 200 <= len(sites) <= 400
    assert set(s.filing for s in sites) == set(Filing.values)
    assert {RunStatus.NORMAL, RunStatus.DELETED, RunStatus.PERMANENT_OFFLINE} <= {s.run_status for s in sites}
    assert {Offline.PENDING, Offline.APPROVED} <= {s.offline_state for s in sites}
    live = [s for s in sites if s.filing != Filing.REJECTED]
    assert len({s.name for s in live}) == len(live) and len({s.homepage_key for s in live}) == len(live)
    portals = Counter(s.org_unit_id for s in live if s.is_portal)
    assert portals and max(portals.values()) == 1
    today = timezone.localdate()
    assert services.apply_due_offline_dates(today) == {"start_temporary_offline": 0, "end_temporary_offline": 0}
    tree = {pk: (level, parent) for pk, level, parent in OrgUnit.objects.values_list("pk", "level", "parent_id")}
    for site in sites:
        assert site.org_path == site.org_unit.path
        chain, unit = [], site.org_unit_id
        while unit is not None and tree[unit][0] >= 1:
            chain.append(unit)
            unit = tree[unit][1]
        # 审核定位: only while something waits, at a unit of the site's chain, since the last change.
        if site.filing in (Filing.DRAFT, Filing.REVIEWING):
            assert site.reviewer_id == site.org_unit_id
        elif site.filing in (Filing.REVIEWED, Filing.MODIFYING):
            assert site.reviewer_id in chain
        else:
            assert site.reviewer_id is None
        assert (site.reviewer_since is not None) == (site.reviewer_id is not None)
        approved = site.filing in (Filing.DONE, Filing.MODIFYING, Filing.MODIFY_REJECTED)
        assert bool(site.site_code) == approved == (site.operator_user_id is not None)
        if approved:
            assert site.operator_user.username == site.site_code and site.operator_user.kind == User.Kind.SITE
            assert site.site_code.startswith(site.org_unit.code) and site.final_approved_at
        if site.filing != Filing.DONE:
            assert site.run_status == RunStatus.NORMAL
        if site.offline_state == Offline.PENDING:
            assert site.offline_reviewer_id in chain and site.offline_reviewer_since
        # As the daily job leaves them (apply_due_offline_dates): nothing due to start or to end today.
        if site.offline_state in (Offline.PENDING, Offline.APPROVED):
            assert site.run_status == RunStatus.NORMAL and site.offline_from > today
        if site.run_status == RunStatus.TEMP_OFFLINE:
            assert site.offline_state == Offline.NONE and site.offline_from <= today < site.offline_until
        if site.run_status == RunStatus.EMERGENCY_OFFLINE:
            assert site.offline_until is not None
    # The journal: from the application to the state the site is in, scoped, labelled, in order.
    for site in sites[:80]:
        steps = list(JournalEntry.objects.filter(subject_type="website", subject_id=site.pk).order_by("at", "id"))
        assert steps[0].action == "apply" and steps[0].at == site.created_at and steps[-1].at == site.updated_at
        assert steps[-1].status_after == LABEL[site.filing]
        assert all(step.scope_path == site.org_path and step.subject_label for step in steps)
        for earlier, later in zip(steps, steps[1:]):
            assert earlier.status_after == later.status_before
    # The engine takes them as they are: the unit a site waits at approves it one level further.
    waiting = next(s for s in sites if s.filing == Filing.REVIEWED and s.reviewer.level > 1)
    reviewer = User.objects.create_user(f"r{waiting.reviewer.code}", "x", kind=User.Kind.ORG, org_unit=waiting.reviewer)
    assert "approve" in {t.name for t in WORKFLOW.allowed(waiting, reviewer)}
    approved = perform(Website.objects.get(pk=waiting.pk), "approve", reviewer, {"result_label": "审核通过"})
    assert approved.reviewer_id == waiting.reviewer.parent_id and approved.filing == Filing.REVIEWED
    # Reproducible, and never generated twice.
    before = Website.objects.count()
    call_command("generate_scale_websites", "--scale", "0.02", "--seed", "5")
    assert Website.objects.count() == before
