"""The journal's tamper evidence: an HMAC-SM3 chain per partition (decision record 0053).

Every entry carries `chain_mac` = HMAC-SM3(JOURNAL_MAC_KEY, previous entry's mac ‖ the entry's
content), with its partition and its sequence number in it. A process writes to the partition
of its pid (JOURNAL_CHAIN_PARTITIONS of them), locking only that partition's head row until its
transaction commits, so concurrent writers on other processes do not wait for each other.

Not in the mac: `scope_path` (it moves with a subtree, journal.move_scope) and `actor_id` (set to
NULL when a user is deleted); the acting unit's code and name are. The database refuses any
other UPDATE and every DELETE of journal rows (the trigger of migration 0004; docs/deploy.md).

`verify()` recomputes every chain and names the first broken link of each partition: a row
changed (its mac no longer matches), a row missing (a gap in the sequence), the newest rows
missing (the head is ahead of the last row).
"""
import ipaddress
import json
import os
from dataclasses import dataclass, field
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone

from govmedia.common import gm

from .models import JournalChainHead, JournalEntry

CONTENT_FIELDS = ("subject_type", "subject_id", "at", "actor_unit_code", "actor_unit_name", "person_name",
                  "person_phone", "action", "action_label", "status_before", "status_after", "result", "reason",
                  "changes", "data", "position", "subject_label", "ip_address", "chain_partition", "chain_seq")


def _key() -> bytes:
    configured = getattr(settings, "JOURNAL_MAC_KEY", "")
    return gm.derive_key(configured or settings.SECRET_KEY, "journal chain", 32)


def _canonical_value(name: str, value):
    if name == "at":
        return value.astimezone(dt_timezone.utc).isoformat(timespec="microseconds") if value else ""
    if name == "ip_address":
        return str(ipaddress.ip_address(value)) if value else ""
    if name in ("changes", "data"):
        return json.loads(json.dumps(value if value is not None else None))  # as the JSON column returns it
    return value


def content(entry) -> bytes:
    """The entry's content as the mac covers it (canonical JSON)."""
    values = {name: _canonical_value(name, getattr(entry, name)) for name in CONTENT_FIELDS}
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def mac_of(previous: str, entry) -> str:
    return gm.hmac_sm3(_key(), previous.encode() + b"\n" + content(entry)).hex()


def partition_of_process() -> int:
    return os.getpid() % max(1, int(getattr(settings, "JOURNAL_CHAIN_PARTITIONS", 8)))


def _locked_head(partition: int) -> JournalChainHead:
    for _attempt in range(2):
        head = JournalChainHead.objects.select_for_update().filter(partition=partition).first()
        if head is not None:
            return head
        try:
            with transaction.atomic():
                JournalChainHead.objects.create(partition=partition, seq=0, mac="")
        except IntegrityError:
            pass  # another process made it first
    return JournalChainHead.objects.select_for_update().get(partition=partition)


def _link(head: JournalChainHead, entries: list[JournalEntry]) -> None:
    now = timezone.now()
    for entry in entries:
        entry.at = entry.at or now
        head.seq += 1
        entry.chain_partition, entry.chain_seq = head.partition, head.seq
        entry.chain_mac = head.mac = mac_of(head.mac, entry)


def seal(entries: list[JournalEntry]) -> list[JournalEntry]:
    """Give unsaved entries their place in the chain (inside the caller's transaction: the head
    stays locked until it commits)."""
    if not entries:
        return entries
    with transaction.atomic(savepoint=False):  # the caller's transaction (no savepoint queries)
        head = _locked_head(partition_of_process())
        _link(head, entries)
        head.save(update_fields=["seq", "mac"])
    return entries


def append(entry: JournalEntry) -> JournalEntry:
    """Seal and insert one entry: 1 query more than a bare insert on PostgreSQL (lock the head;
    the head moves in the insert's own statement), 2 elsewhere."""
    with transaction.atomic(savepoint=False):
        if connection.vendor != "postgresql":
            seal([entry])
            entry.save(force_insert=True)
            return entry
        head = _locked_head(partition_of_process())
        _link(head, [entry])
        _insert_moving_head(entry, head)
    return entry


def _insert_moving_head(entry: JournalEntry, head: JournalChainHead) -> None:
    """INSERT the entry and UPDATE the head in one statement (a data-modifying WITH)."""
    meta = JournalEntry._meta
    query = InsertQuery(JournalEntry)
    query.insert_values([f for f in meta.local_concrete_fields if not f.primary_key], [entry])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    [(insert_sql, params)] = compiler.as_sql()
    qn = connection.ops.quote_name
    sql = (f"WITH moved AS (UPDATE {qn(JournalChainHead._meta.db_table)} SET {qn('seq')} = %s, {qn('mac')} = %s "
           f"WHERE {qn('partition')} = %s) {insert_sql}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [head.seq, head.mac, head.partition, *params])
        entry.pk = cursor.fetchone()[0]
    entry._state.adding, entry._state.db = False, connection.alias


class SealRefused(Exception):
    """The session may not touch journal rows (not a superuser nor a govmedia_journal_maintainer)."""


def seal_unsealed(batch: int = 1000, log=lambda line: None) -> int:
    """Give the rows written before the chain existed (migration 0004; the bench generator's COPY
    rows) their place in the chain, oldest first, in batches each its own transaction: from then on
    an edit or a deletion of them is named by verify(). Only their chain columns are written, in a
    maintenance session (the trigger admits it for a superuser or a govmedia_journal_maintainer);
    their content is sealed as it reads now. Resumable: it only looks for rows still unsealed."""
    total = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL govmedia.journal_maintenance = 'on'")
            entries = list(JournalEntry.objects.filter(chain_seq__isnull=True).order_by("at", "id")
                           .select_for_update()[:batch])
            if not entries:
                break
            seal(entries)
            try:
                with transaction.atomic():
                    JournalEntry.objects.bulk_update(entries, ["chain_partition", "chain_seq", "chain_mac"])
            except DatabaseError as exc:
                raise SealRefused("只有数据库超级用户或 govmedia_journal_maintainer 角色的成员可以封存旧记录") from exc
            total += len(entries)
        log(f"已封存 {total} 条")
    return total


@dataclass
class Report:
    checked: int = 0
    unsealed: int = 0                       # rows written before the chain existed
    broken: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken


def verify(since=None) -> Report:
    """Recompute every partition's chain (from `since` on, when given) and name the first broken link."""
    report = Report(unsealed=JournalEntry.objects.filter(chain_seq__isnull=True).count())
    heads = {h.partition: h for h in JournalChainHead.objects.all()}
    partitions = sorted(set(heads) | set(JournalEntry.objects.filter(chain_partition__isnull=False)
                                         .values_list("chain_partition", flat=True).distinct().order_by()))
    for partition in partitions:
        rows = JournalEntry.objects.filter(chain_partition=partition).order_by("chain_seq")
        previous, expected = "", 1
        if since is not None:
            first = rows.filter(at__gte=since).first()
            if first is None:
                continue
            before = rows.filter(chain_seq=first.chain_seq - 1).values_list("chain_mac", flat=True).first()
            previous, expected = before or "", first.chain_seq
            rows = rows.filter(chain_seq__gte=first.chain_seq)
        last_seq = expected - 1
        for entry in rows.iterator(chunk_size=2000):
            report.checked += 1
            if entry.chain_seq != expected:
                report.broken.append(f"分区 {partition}：第 {expected} 条（至第 {entry.chain_seq - 1} 条）缺失，已被删除")
                break
            if mac_of(previous, entry) != entry.chain_mac:
                report.broken.append(f"分区 {partition}：第 {entry.chain_seq} 条（编号 {entry.pk}，{entry.at:%Y-%m-%d %H:%M:%S} "
                                     f"{entry.action_label}）内容被修改")
                break
            previous, expected, last_seq = entry.chain_mac, expected + 1, entry.chain_seq
        else:
            head = heads.get(partition)
            if head is not None and head.seq > last_seq:
                report.broken.append(f"分区 {partition}：最后 {head.seq - last_seq} 条（第 {last_seq + 1} 条起）缺失，已被删除")
    return report
