import pytest
from django.core.management import call_command

from orgtree.models import OrgUnit
from orgtree.selectors import ancestors_of, scope_q, unit_in_scope, units_under
from orgtree.services import OrgTreeError, move_org_unit
from orgtree.signals import subtree_moved


@pytest.mark.django_db
def test_real_tree_loads_with_real_codes_and_twice_changes_nothing(capsys):
    call_command("load_orgtree")
    total = OrgUnit.objects.count()
    assert total > 3000
    chaoyang = OrgUnit.objects.get(code="110105")
    assert (chaoyang.name, chaoyang.parent.code, chaoyang.level) == ("朝阳区", "110000", 2)
    changan = OrgUnit.objects.get(code="130102")
    assert changan.name == "长安区"
    assert changan.parent.code == "130100" and changan.parent.name == "石家庄市"
    assert changan.parent.parent.code == "130000" and changan.parent.parent.name == "河北省"
    assert changan.path == "/GB0000/130000/130100/130102/"
    gb = OrgUnit.objects.get(code="GB0000")
    assert (gb.name, gb.level, gb.parent) == ("国务院办公厅", 0, None)
    assert OrgUnit.objects.get(code="BT0000").name == "新疆生产建设兵团"
    assert OrgUnit.objects.get(code="BT0100").parent.code == "BT0000"
    tax = OrgUnit.objects.get(code="bm2900")
    assert (tax.name, tax.kind, tax.level) == ("国家税务总局", OrgUnit.Kind.MINISTRY, 1)
    assert OrgUnit.objects.get(code="bm2904").name == "山西省税务局"
    assert OrgUnit.objects.get(code="bm2904").parent == tax
    assert OrgUnit.objects.get(code="bm3400").name == "应急管理部"
    # Municipality districts hang directly under the municipality; a province-administered
    # county-level city under its province; no Hong Kong / Macao / Taiwan.
    assert OrgUnit.objects.get(code="110108").parent.code == "110000"
    assert OrgUnit.objects.get(code="419001").parent.code == "410000"
    assert not OrgUnit.objects.filter(code__in=["710000", "810000", "820000"]).exists()
    # 31 provinces + 兵团 at level 1, plus the ministries.
    assert OrgUnit.objects.filter(level=1, kind=OrgUnit.Kind.REGION).count() == 32
    assert OrgUnit.objects.filter(level=1, kind=OrgUnit.Kind.MINISTRY).count() >= 25
    # Every path is the chain of its ancestors' codes.
    for unit in OrgUnit.objects.select_related("parent").exclude(level=0)[:500]:
        assert unit.path == f"{unit.parent.path}{unit.code}/"
        assert unit.level == unit.parent.level + 1

    snapshot = list(OrgUnit.objects.order_by("code").values_list("code", "name", "parent_id", "path", "level"))
    call_command("load_orgtree")
    assert "新增 0，更名 0" in capsys.readouterr().out
    assert list(OrgUnit.objects.order_by("code").values_list("code", "name", "parent_id", "path", "level")) == snapshot


@pytest.mark.django_db
def test_second_load_keeps_a_move_made_by_ops(tree):
    call_command("load_orgtree")
    unit = OrgUnit.objects.get(code="110108")
    move_org_unit(unit, OrgUnit.objects.get(code="110105"))
    call_command("load_orgtree")
    assert OrgUnit.objects.get(code="110108").parent.code == "110105"


def test_scope_is_the_subtree(tree):
    beijing = tree["110000"]
    codes = set(units_under(beijing).values_list("code", flat=True))
    assert codes == {"110000", "110108", "110105"}
    assert set(units_under(beijing, include_self=False).values_list("code", flat=True)) == {"110108", "110105"}
    assert units_under(tree["GB0000"]).count() == len(tree)
    assert unit_in_scope(beijing, "110108") == tree["110108"]
    assert unit_in_scope(beijing, "120101") is None  # another province: never returned
    assert unit_in_scope(tree["110108"], "110000") is None  # a parent is outside the subtree
    assert OrgUnit.objects.filter(scope_q(tree["bm2900"])).count() == 2
    assert [u.code for u in ancestors_of(tree["130102"])] == ["GB0000", "130000", "130100"]


def test_prefix_of_one_code_does_not_leak_into_another(tree):
    from orgtree.services import create_org_unit

    # The trailing "/" of every path keeps "110000" from matching a code that merely starts alike.
    other = create_org_unit("11000A", "测试单位", tree["GB0000"], OrgUnit.Kind.REGION)
    assert not units_under(tree["110000"]).filter(pk=other.pk).exists()


def test_moving_a_unit_moves_its_subtree_and_tells_the_apps(tree):
    received = []

    def on_move(sender, old_prefix, new_prefix, **kwargs):
        received.append((old_prefix, new_prefix))

    subtree_moved.connect(on_move)
    try:
        move_org_unit(tree["130100"], tree["120000"])
    finally:
        subtree_moved.disconnect(on_move)
    city = OrgUnit.objects.get(code="130100")
    county = OrgUnit.objects.get(code="130102")
    assert city.parent.code == "120000"
    assert city.path == "/GB0000/120000/130100/"
    assert county.path == "/GB0000/120000/130100/130102/"
    assert (city.level, county.level) == (2, 3)
    assert received == [("/GB0000/130000/130100/", "/GB0000/120000/130100/")]
    assert set(units_under(tree["120000"]).values_list("code", flat=True)) == {"120000", "120101", "130100", "130102"}
    assert set(units_under(tree["130000"]).values_list("code", flat=True)) == {"130000"}


def test_moving_changes_levels_when_depth_changes(tree):
    move_org_unit(tree["130100"], tree["GB0000"])
    assert OrgUnit.objects.get(code="130100").level == 1
    assert OrgUnit.objects.get(code="130102").level == 2


def test_a_unit_cannot_move_under_itself_or_its_subtree(tree):
    with pytest.raises(OrgTreeError):
        move_org_unit(tree["130000"], tree["130102"])
    with pytest.raises(OrgTreeError):
        move_org_unit(tree["130000"], tree["130000"])
    with pytest.raises(OrgTreeError):
        move_org_unit(tree["GB0000"], tree["110000"])
    assert OrgUnit.objects.get(code="130102").path == "/GB0000/130000/130100/130102/"


def test_tier_labels_follow_the_manual(tree):
    assert tree["110000"].tier_label == "省直"
    assert tree["110108"].tier_label == "市直"
    assert tree["130102"].tier_label == "县直"
    assert tree["bm2900"].tier_label == "国务院部委组织单位"
    assert tree["bm2904"].tier_label == "省级垂直管理机构组织单位"


@pytest.mark.django_db
def test_a_second_load_keeps_names_set_by_ops_unless_asked(capsys):
    call_command("load_orgtree")
    OrgUnit.objects.filter(code="110108").update(name="海淀区人民政府")
    call_command("load_orgtree")
    assert OrgUnit.objects.get(code="110108").name == "海淀区人民政府"
    call_command("load_orgtree", "--rename")
    assert OrgUnit.objects.get(code="110108").name == "海淀区"
