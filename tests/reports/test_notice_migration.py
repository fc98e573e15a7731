"""reports 0004 on existing data: GB's notices get GB as sender, 发送给全部 becomes 全部直属下级单位,
receipts keep their unit's name (and the table is altered after the update in one transaction)."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reports", "0003_supervision_selfchecks"), ("orgtree", "0001_initial")]
AFTER = [("reports", "0004_notices_from_any_unit")]


def test_existing_gb_notices_are_carried_over():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    OrgUnit, Notice, Receipt = (apps.get_model("orgtree", "OrgUnit"), apps.get_model("reports", "Notice"),
                                apps.get_model("reports", "NoticeReceipt"))
    gb = OrgUnit.objects.create(code="GB0000", name="国务院办公厅", level=0, kind="region", path="/GB0000/")
    beijing = OrgUnit.objects.create(code="110000", name="北京市", level=1, kind="region", parent=gb, path="/GB0000/110000/")
    to_all = Notice.objects.create(title="全体", to_all=True, status="sent")
    chosen = Notice.objects.create(title="指定", to_all=False)
    Receipt.objects.create(notice=to_all, org_unit=beijing)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Notice, Receipt = apps.get_model("reports", "Notice"), apps.get_model("reports", "NoticeReceipt")
    assert {(n.title, n.sender_id, n.audience) for n in Notice.objects.all()} == {
        ("全体", gb.pk, "children"), ("指定", gb.pk, "chosen")}
    assert Receipt.objects.get(notice_id=to_all.pk).unit_name == "北京市"
    assert chosen.pk

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest state for the next tests
