"""Statements compiled once per process (govmedia.common.prepared): each request's session and
user, and the rounds of 检查季度, read the same rows as the ORM query they were compiled from."""
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, F, Value
from django.db.models.lookups import StartsWith
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.backends import RoleBackend
from accounts.models import User
from accounts.session_store import SessionStore
from govmedia.common.prepared import PreparedQuery
from reports.check_overview import rounds_of
from orgtree.models import OrgUnit
from reports.models import CheckRound


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.mark.parametrize("who", ["gb", "org", "filer", "site"])
def test_the_request_user_is_the_orm_user_with_its_units_joined(users, who):
    expected = User.objects.select_related("org_unit", "filer_unit").get(pk=users[who].pk)
    with CaptureQueriesContext(connection) as ctx:
        user = RoleBackend().get_user(expected.pk)
        units = (user.org_unit, user.filer_unit)  # joined: no further query
    # One statement; a website operator's login also reads its site (can_log_in), as before.
    assert len(ctx.captured_queries) == (2 if who == "site" else 1)
    assert _fields(user) == _fields(expected)
    assert units == (expected.org_unit, expected.filer_unit)
    assert not user._state.adding and user._state.db == "default"
    if expected.filer_unit_id:
        assert _fields(user.filer_unit) == _fields(expected.filer_unit)


def test_no_user_for_a_bad_id_a_missing_one_or_a_deactivated_login(users):
    backend = RoleBackend()
    assert backend.get_user("not-a-number") is None and backend.get_user(None) is None
    assert backend.get_user(10**9) is None
    users["org"].is_active = False
    users["org"].save()
    assert backend.get_user(users["org"].pk) is None


def test_a_live_session_loads_and_an_expired_one_does_not(db):
    live = SessionStore()
    live["who"] = "上庄镇"
    live.create()
    assert SessionStore(live.session_key).load() == {"who": "上庄镇"}
    Session.objects.filter(session_key=live.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(live.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key on the next save, never the expired one


def test_rounds_are_those_of_the_unit_and_its_ancestors_in_that_quarter(tree):
    for code in ("GB0000", "110000", "110108", "120000", "110105"):
        CheckRound.objects.create(opened_by=tree[code], year=2026, quarter=4, title=f"{code} 第4季度")
    CheckRound.objects.create(opened_by=tree["110000"], year=2026, quarter=3, title="110000 第3季度")
    assert [r.title for r in rounds_of(tree["110108"], 2026, 4)] == ["GB0000 第4季度", "110000 第4季度", "110108 第4季度"]
    assert [r.title for r in rounds_of(tree["110000"], 2026, 4)] == ["GB0000 第4季度", "110000 第4季度"]
    assert [r.title for r in rounds_of(tree["110000"], 2026, 3)] == ["110000 第3季度"]
    assert rounds_of(tree["110000"], 2025, 4) == []
    assert rounds_of(tree["110108"], 2026, 4)[0].opened_by.name == tree["GB0000"].name


def test_a_marker_outside_its_fields_range_or_repeated_is_refused_when_compiled(tree):
    out_of_range = PreparedQuery(CheckRound, lambda year: CheckRound.objects.filter(year=year), year=-1)
    with pytest.raises(EmptyResultSet):  # Django answers "no rows" for it before any SQL: never a silent empty list
        out_of_range.all(year=2026)
    twice = PreparedQuery(CheckRound, lambda year: CheckRound.objects.filter(year=year, quarter=year), year=4)
    with pytest.raises(ValueError, match="appears 2 times"):
        twice.all(year=4)


def test_a_marker_declared_repeated_fills_every_place_it_appears(tree):
    """One argument the statement uses twice (官方账号查询's link: the live and the deleted arm)."""
    from django.db.models import Q

    def build(name):
        return OrgUnit.objects.filter(Q(code=name) | Q(name=name)).order_by("id")

    both = PreparedQuery(OrgUnit, build, repeated=("name",), name="\x00prepared-name")
    unit = OrgUnit.objects.order_by("id").first()
    assert [u.pk for u in both.all(name=unit.code)] == [u.pk for u in build(unit.code)] == [unit.pk]
    assert [u.pk for u in both.all(name=unit.name)] == [u.pk for u in build(unit.name)]
    assert both.all(name="no such unit") == []


def test_instances_carry_their_annotations_and_any_number_of_ids_is_one_parameter(tree):
    """Model instances with annotations come back as the ORM gives them; `pk__any` reads any number of
    ids with one compiled statement (a list page's rows by id, ListSpec.rows_by_id)."""
    rounds = [CheckRound.objects.create(opened_by=tree[code], year=2026, quarter=4, title=code)
              for code in ("GB0000", "110000", "110108", "120000")]
    annotated = PreparedQuery(CheckRound, lambda path, ids: CheckRound.objects.annotate(p=F("opened_by__path"))
                              .filter(StartsWith(Value(path, output_field=CharField()), F("p")), pk__any=ids),
                              path="\x00m", ids=[-30_005])
    ids = [r.pk for r in rounds]
    found = {r.title: r.p for r in annotated.all(path="/GB0000/110000/110108/", ids=ids)}
    assert found == {"GB0000": tree["GB0000"].path, "110000": tree["110000"].path, "110108": tree["110108"].path}
    orm = {r.title: r.p for r in CheckRound.objects.annotate(p=F("opened_by__path"))
           .filter(StartsWith(Value("/GB0000/110000/110108/", output_field=CharField()), F("p")), pk__in=ids)}
    assert found == orm
    with CaptureQueriesContext(connection) as ctx:
        assert [r.title for r in annotated.all(path="/GB0000/", ids=ids[:1])] == ["GB0000"]
        assert annotated.all(path="/GB0000/", ids=[]) == []
        assert sorted(r.title for r in annotated.all(path="/GB0000/120000/", ids=ids)) == ["120000", "GB0000"]
    assert len({q["sql"].split("WHERE")[0] for q in ctx.captured_queries}) == 1 and len(ctx.captured_queries) == 3
    assert ids[0] in [r.pk for r in CheckRound.objects.filter(pk__any=ids)]  # the lookup in any queryset, too


def test_a_marker_the_statement_leaves_out_is_refused_unless_optional(tree):
    """A viewer's id that only some shapes filter on (新媒体账号信息's 待审核 tab) is an optional
    marker; any other marker the statement does not hold is a mistake, refused when compiled."""
    CheckRound.objects.create(opened_by=tree["110000"], year=2026, quarter=4, title="四季度")

    def build(year, quarter=None):
        return CheckRound.objects.filter(year=year)

    with pytest.raises(ValueError, match="appears 0 times"):
        PreparedQuery(CheckRound, build, year=30_001, quarter=30_002).all(year=2026, quarter=4)
    lenient = PreparedQuery(CheckRound, build, optional=("quarter",), year=30_001, quarter=30_002)
    assert [r.title for r in lenient.all(year=2026, quarter=1)] == ["四季度"]
    assert lenient.all(year=2025, quarter=4) == []


def test_values_and_values_list_rows_come_back_as_the_orm_gives_them(tree):
    from django.db.models import Count

    from govmedia.common.prepared import PATH, YEAR, prepared, subtree_markers, subtree_values

    for code, quarter in (("GB0000", 4), ("110000", 4), ("110108", 3), ("120000", 4)):
        CheckRound.objects.create(opened_by=tree[code], year=2026, quarter=quarter, title=f"{code}_{quarter}%")

    def build(year, path=None):
        rounds = CheckRound.objects.filter(year=year)
        return rounds if path is None else rounds.filter(opened_by__path__startswith=path)

    for unit in (tree["GB0000"], tree["110000"]):
        shape = {"year": YEAR, **subtree_markers(unit)}
        expected = build(2026, None if unit.is_root else unit.path)
        got = prepared(("test.dicts", unit.is_root), CheckRound, lambda year, path=None: build(year, path).values(
            "quarter").annotate(n=Count("id")).order_by("quarter"), **shape).all(year=2026, **subtree_values(unit))
        assert got == list(expected.values("quarter").annotate(n=Count("id")).order_by("quarter"))
        got = prepared(("test.tuples", unit.is_root), CheckRound, lambda year, path=None: build(year, path).order_by(
            "title").values_list("title", "opened_by__name"), **shape).all(year=2026, **subtree_values(unit))
        assert got == list(expected.order_by("title").values_list("title", "opened_by__name"))
        got = prepared(("test.flat", unit.is_root), CheckRound, lambda year, path=None: build(year, path).order_by(
            "title").values_list("title", flat=True), **shape).all(year=2026, **subtree_values(unit))
        assert got == list(expected.order_by("title").values_list("title", flat=True)) and got
    assert PATH not in str(subtree_values(tree["110000"]))


def test_org_names_by_code_read_any_number_of_codes_in_one_statement(tree):
    """orgtree.selectors.names_by_code: `code__any` (one array parameter), compiled once."""
    from orgtree.selectors import names_by_code

    units = list(OrgUnit.objects.order_by("code")[:5])
    wanted = {u.code: u.name for u in units}
    with CaptureQueriesContext(connection) as queries:
        assert names_by_code([*wanted, "", "999999"]) == wanted
        assert names_by_code([units[0].code]) == {units[0].code: units[0].name}
    assert len(queries) == 2 and all("= ANY(" in q["sql"] for q in queries)  # five codes or one: one parameter
    assert names_by_code(["", None]) == {}
