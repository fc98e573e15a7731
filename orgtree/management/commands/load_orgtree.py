"""Load the real org tree, idempotently.

Creates the units that are missing. A unit that already exists is left as ops staff keep it
(name and 挂接关系 are theirs, in the admin); `--rename` takes the shipped names over the
database's. `--dry-run` reports what would change.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orgtree.models import OrgUnit
from orgtree.selectors import bump_tree
from orgtree.tree_data import all_rows


class Command(BaseCommand):
    help = "加载全国组织机构树（地区与国务院部门），可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--rename", action="store_true", help="按内置数据更新已存在单位的名称")

    def handle(self, *args, dry_run=False, rename=False, **options):
        rows = all_rows()
        codes = [r.code for r in rows]
        if len(set(codes)) != len(codes):
            raise CommandError("组织单位代码重复，请检查 fixtures/。")
        with transaction.atomic():
            created, renamed = self._load(rows, rename)
            bump_tree()  # bulk writes send no post_save: the cached cascades end here
            if dry_run:
                transaction.set_rollback(True)
        total = OrgUnit.objects.count()
        self.stdout.write(f"组织单位：新增 {created}，更名 {renamed}，共 {total}。")

    def _load(self, rows, rename):
        existing = {u.code: u for u in OrgUnit.objects.all()}
        created = renamed = 0
        to_rename = []
        pending = [r for r in rows if r.code not in existing]
        for row in rows:
            unit = existing.get(row.code)
            if rename and unit is not None and unit.name != row.name:
                unit.name = row.name
                to_rename.append(unit)
        OrgUnit.objects.bulk_update(to_rename, ["name"], batch_size=1000)
        renamed = len(to_rename)
        # Parents come before children in `rows`, so one pass in order can fill paths;
        # create level by level so every parent has its id before its children.
        while pending:
            wave, later = [], []
            for row in pending:
                parent = existing.get(row.parent) if row.parent else None
                if row.parent and parent is None:
                    later.append(row)
                    continue
                unit = OrgUnit(
                    code=row.code,
                    name=row.name,
                    kind=row.kind,
                    parent=parent,
                    level=parent.level + 1 if parent else 0,
                    path=f"{parent.path if parent else '/'}{row.code}/",
                )
                wave.append(unit)
            if not wave:
                missing = sorted({r.parent for r in later})
                raise CommandError(f"找不到上级组织单位：{', '.join(missing[:10])}")
            OrgUnit.objects.bulk_create(wave, batch_size=1000)
            for unit in OrgUnit.objects.filter(code__in=[u.code for u in wave]):
                existing[unit.code] = unit
            created += len(wave)
            pending = later
        return created, renamed
