"""Issue #14 item 4: moving an org unit (挂接关系, in the admin) carries everything scoped by its
path, in one transaction. 长安区 moves from 石家庄市 to 唐山市 with a filer unit, media accounts
(normal, waiting at 长安区, waiting at 石家庄市), websites (approved, waiting at 石家庄市, an
offline request at 石家庄市), a spot-check row and journal entries; afterwards 石家庄市 neither
sees nor reviews any of it, 唐山市 does."""
import pytest
from django.test import Client
from django.urls import reverse

from accounts.filer_services import rename_filer_unit
from accounts.models import User
from accounts.selectors import filer_units_visible_to
from accounts_media.selectors import accounts_visible_to
from accounts_media.workflow import WORKFLOW as MEDIA
from orgtree.models import OrgUnit
from orgtree.services import create_org_unit, move_org_unit
from orgtree.signals import subtree_moved
from reports import services as reports
from reviews.models import JournalEntry
from reviews.selectors import org_log_visible_to
from tests.accounts_media.conftest import approve, normal_account, submit
from tests.factories import make_filer, make_org_user, make_website, verify_otp
from websites.models import Filing, Offline
from websites.offline import OFFLINE_WORKFLOW, chain_above
from websites.workflow import WORKFLOW as SITES

NEW_PATH = "/GB0000/130000/130200/130102/"


@pytest.fixture
def hebei(tree):
    tangshan = create_org_unit("130200", "唐山市", tree["130000"], OrgUnit.Kind.REGION)
    units = {**tree, "130200": tangshan}
    people = {code: make_org_user(units[code]) for code in ("130000", "130100", "130102", "130200")}
    filer = make_filer(units["130102"], "长安区教育局").user
    chain = {"hebei": people["130000"], "sjz": people["130100"], "changan": people["130102"],
             "tangshan": people["130200"], "filer": filer}
    normal = normal_account(chain, "filer")
    at_sjz = approve(submit(filer, url="https://weibo.com/u/1000000001", account_type="WB", wechat_kind="",
                            platform_id="1000000001", name="长安发布"), people["130102"])
    at_changan = submit(filer, url="https://weibo.com/u/1000000002", account_type="WB", wechat_kind="",
                        platform_id="1000000002", name="长安教育")
    reviewing = make_website(units["130102"], "changan-edu", filing=Filing.REVIEWED, reviewer=units["130100"])
    done = make_website(units["130102"], "changan-gov", filing=Filing.DONE, site_code="1301020001",
                offline_state=Offline.PENDING, offline_kind="permanent", offline_reviewer=units["130100"])
    report = reports.create_report(people["130000"], "media", 2026, 1)
    reports.add_item(report, normal, passed=True, problems=[])
    rename_filer_unit(people["130102"], filer.filer_unit, "长安区教育和体育局")
    return {"units": units, "people": people, "filer": filer, "normal": normal, "at_sjz": at_sjz,
            "at_changan": at_changan, "reviewing": reviewing, "done": done, "report": report}


def move_in_the_admin(units, ops):
    client = Client()
    client.force_login(ops)
    verify_otp(client, ops)  # the ops admin asks for its second factor
    unit = units["130102"]
    response = client.post(reverse("admin:orgtree_orgunit_change", args=[unit.pk]), {
        "code": "130102", "name": "长安区", "kind": "region", "parent_code": "130200", "is_active": "on",
        "contact_person": "", "contact_phone": "", "contact_email": ""})
    assert response.status_code == 302


def test_moving_changan_carries_everything_to_tangshan(hebei, users):
    units, people, filer = hebei["units"], hebei["people"], hebei["filer"]
    sjz, tangshan = people["130100"], people["130200"]
    # Before: 石家庄市 sees and reviews.
    assert {t.kind for t in MEDIA.allowed(hebei["at_sjz"], sjz)} == {"review"}
    assert SITES.can(hebei["reviewing"], sjz, "approve")
    assert accounts_visible_to(sjz).filter(pk=hebei["normal"].pk).exists()

    move_in_the_admin(units, users["ops"])

    assert OrgUnit.objects.get(code="130102").path == NEW_PATH
    # Filer units follow their org unit (a foreign key): the lists and the journal.
    assert not filer_units_visible_to(sjz).filter(pk=filer.filer_unit_id).exists()
    assert filer_units_visible_to(tangshan).filter(pk=filer.filer_unit_id).exists()
    # Media accounts: paths, and the request that waited at 石家庄市 now waits at 唐山市.
    for key in ("normal", "at_sjz", "at_changan"):
        hebei[key].refresh_from_db()
        assert hebei[key].org_path == NEW_PATH, key
        assert not accounts_visible_to(sjz).filter(pk=hebei[key].pk).exists()
        assert accounts_visible_to(tangshan).filter(pk=hebei[key].pk).exists()
    assert hebei["at_sjz"].reviewer.code == "130200"
    assert not MEDIA.allowed(hebei["at_sjz"], sjz)
    assert {t.kind for t in MEDIA.allowed(hebei["at_sjz"], tangshan)} == {"review"}
    assert hebei["at_changan"].reviewer.code == "130102"  # still at 长安区, which moved with it
    # 唐山市's approval sends it on to 河北省, as the new chain reads.
    approved = approve(hebei["at_sjz"], tangshan)
    assert approved.reviewer.code == "130000"
    # Websites: the path (the bug of the issue), the filing review and the offline review.
    reviewing, done = hebei["reviewing"], hebei["done"]
    reviewing.refresh_from_db()
    done.refresh_from_db()
    assert (reviewing.org_path, done.org_path) == (NEW_PATH, NEW_PATH)
    assert reviewing.reviewer.code == "130200" and done.offline_reviewer.code == "130200"
    assert not SITES.allowed(reviewing, sjz) and SITES.can(reviewing, tangshan, "approve")
    assert not OFFLINE_WORKFLOW.can(done, sjz, "approve_offline") and OFFLINE_WORKFLOW.can(done, tangshan, "approve_offline")
    assert not chain_above(sjz, done) and chain_above(tangshan, done)  # 紧急下线 / 恢复正常 follow the chain
    # Through the pages, whatever URL is typed: 石家庄市 gets 404, 唐山市 the page.
    for user, expected in ((sjz, 404), (tangshan, 200)):
        client = Client()
        client.force_login(user)
        assert client.get(f"/websites/review/{reviewing.pk}/").status_code == expected, user
        assert client.get(f"/media/{hebei['normal'].pk}/").status_code == expected, user
    # The spot check of 河北省 still holds the account, which is still in 河北省's scope.
    assert hebei["report"].items.get().account_id == hebei["normal"].pk
    assert accounts_visible_to(people["130000"]).filter(pk=hebei["normal"].pk).exists()
    # The journal: 长安区's filer-unit history now shows at 唐山市, no longer at 石家庄市.
    rename = org_log_visible_to(tangshan).get(action="filer_rename")
    assert rename.scope_path == NEW_PATH
    assert not org_log_visible_to(sjz).filter(subject_type="filer_unit").exists()
    assert org_log_visible_to(tangshan).filter(action="org_move").exists()
    # Review engine entries of the moved accounts carry the new path as well.
    assert set(JournalEntry.objects.filter(subject_type="media_account").values_list("scope_path", flat=True)) == {NEW_PATH}


def test_a_move_is_all_or_nothing(hebei):
    units = hebei["units"]

    def broken(**kwargs):
        raise RuntimeError("disk full")

    subtree_moved.connect(broken, dispatch_uid="broken-receiver")
    try:
        with pytest.raises(RuntimeError):
            move_org_unit(units["130102"], units["130200"])
    finally:
        subtree_moved.disconnect(dispatch_uid="broken-receiver")
    assert OrgUnit.objects.get(code="130102").path == "/GB0000/130000/130100/130102/"
    hebei["reviewing"].refresh_from_db()
    hebei["at_sjz"].refresh_from_db()
    assert hebei["reviewing"].org_path == "/GB0000/130000/130100/130102/"
    assert (hebei["at_sjz"].org_path, hebei["at_sjz"].reviewer.code) == ("/GB0000/130000/130100/130102/", "130100")


def test_a_request_at_a_unit_still_above_stays_there(hebei, tree):
    """Moving 石家庄市's 长安区 under 河北省 itself: 河北省 is still above, 石家庄市 is not."""
    units = hebei["units"]
    move_org_unit(units["130102"], units["130000"])
    hebei["at_sjz"].refresh_from_db()
    hebei["reviewing"].refresh_from_db()
    assert hebei["at_sjz"].reviewer.code == "130000" and hebei["reviewing"].reviewer.code == "130000"
    assert OrgUnit.objects.get(code="130102").level == 2


def test_the_users_of_a_moved_unit_keep_their_unit(hebei):
    move_org_unit(hebei["units"]["130102"], hebei["units"]["130200"])
    user = User.objects.get(username="130102")
    assert user.org_unit.path == NEW_PATH and user.role.value == "org"
