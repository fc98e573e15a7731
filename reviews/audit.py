"""Audit duties on the journal (decision record 0053): the daily chain verification that tells
the 审计管理员, the monthly archives to stored files (retention ≥ 180 days, 网络安全法 第二十一条),
and the 审计管理员's export of a period.

Retention: AUDIT_RETENTION_DAYS (≥ 180, refused below by ops.E012). The journal's rows are never
deleted by the application (the database refuses it); django-axes' login access log is pruned
only past the retention and only once its month is archived. Each archive is one gzip'd JSON
Lines file in the stored files (so backups hold it), with its SHA-256 and SM3.
"""
import csv
import gzip
import hashlib
import io
import json
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from govmedia.common import gm, masking

from . import chain, journal
from .models import JournalArchive, JournalCheck, JournalEntry
from django.contrib.auth import get_user_model
from axes.models import AccessLog

MIN_RETENTION_DAYS = 180
ARCHIVE_PREFIX = "audit"


def auditors():
    return get_user_model().objects.filter(kind="ops", ops_role="auditor", is_active=True)


def verify_and_record(now=None, since=None) -> JournalCheck:
    """Verify the chain, keep the result (shown to the 审计管理员 in the ops admin) and, when a
    link is broken, journal it and mail AUDIT_NOTIFY_EMAILS."""
    report = chain.verify(since=since)
    check = JournalCheck.objects.create(at=now or timezone.now(), ok=report.ok, checked=report.checked,
                                        unsealed=report.unsealed, problems="\n".join(report.broken))
    if not report.ok:
        journal.record(None, "journal_verify_failed", None, subject_type="system", subject_label="流水（操作日志）",
                       reason=check.problems[:2000])
        recipients = list(getattr(settings, "AUDIT_NOTIFY_EMAILS", []))
        if recipients:
            send_mail("【审计告警】操作日志完整性校验失败", f"{check.problems}\n\n请登录运维管理后台查看“审计日志完整性校验”。",
                      settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)
    return check


def daily_verification(now) -> str:
    """The scheduled entry: the whole chain once a day."""
    check = verify_and_record(now)
    return f"校验 {check.checked} 条：{'完整' if check.ok else '发现问题：' + check.problems}"


def latest_check() -> JournalCheck | None:
    return JournalCheck.objects.order_by("-at").first()


# --- archives ------------------------------------------------------------------------------------
def _month_bounds(month: str) -> tuple[datetime, datetime]:
    year, mon = map(int, month.split("-"))
    start = timezone.make_aware(datetime(year, mon, 1))
    end = timezone.make_aware(datetime(year + (mon == 12), mon % 12 + 1, 1))
    return start, end


def _journal_rows(start, end):
    for e in JournalEntry.objects.filter(at__gte=start, at__lt=end).order_by("at", "id").iterator(chunk_size=2000):
        yield {"id": e.pk, "at": e.at.isoformat(), "actor_id": e.actor_id, "actor_unit_code": e.actor_unit_code,
               "actor_unit_name": e.actor_unit_name, "action": e.action, "action_label": e.action_label,
               "subject_type": e.subject_type, "subject_id": e.subject_id, "subject_label": e.subject_label,
               "status_before": e.status_before, "status_after": e.status_after, "result": e.result,
               "reason": e.reason, "changes": gm.encrypt_contacts(e.changes), "data": gm.encrypt_contacts(e.data),
               "position": e.position, "person_name": e.person_name,
               "person_phone": gm.encrypt(e.person_phone) if e.person_phone else "", "ip_address": e.ip_address, "scope_path": e.scope_path,
               "chain_partition": e.chain_partition, "chain_seq": e.chain_seq, "chain_mac": e.chain_mac}


def _access_rows(start, end):
    for log in AccessLog.objects.filter(attempt_time__gte=start, attempt_time__lt=end).order_by("id").iterator(chunk_size=2000):
        yield {"id": log.pk, "username": log.username, "ip_address": log.ip_address, "user_agent": log.user_agent,
               "attempt_time": log.attempt_time.isoformat(),
               "logout_time": log.logout_time.isoformat() if log.logout_time else None, "path_info": log.path_info}


def archive_month(kind: str, month: str) -> JournalArchive | None:
    """Write one month's archive (once: a second call finds it)."""
    existing = JournalArchive.objects.filter(kind=kind, month=month).first()
    if existing is not None:
        return existing
    start, end = _month_bounds(month)
    rows = _journal_rows(start, end) if kind == JournalArchive.Kind.JOURNAL else _access_rows(start, end)
    buffer = io.BytesIO()
    count = 0
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
            count += 1
    body = buffer.getvalue()
    with transaction.atomic():
        name = default_storage.save(f"{ARCHIVE_PREFIX}/{kind}-{month}.jsonl.gz", ContentFile(body))
        archive = JournalArchive.objects.create(kind=kind, month=month, file_name=name, rows=count,
                                                sha256=hashlib.sha256(body).hexdigest(), sm3=gm.sm3(body).hex())
        journal.record(None, "audit_archive", None, subject_type="system", subject_label=f"{archive}",
                       data={"file": name, "rows": count})
    return archive


def _months_between(first: datetime, last_exclusive: datetime) -> list[str]:
    months, y, m = [], first.year, first.month
    while (y, m) < (last_exclusive.year, last_exclusive.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def archive_and_prune(now) -> str:
    """The scheduled entry: archive every finished month not yet archived; prune the login access
    log past the retention where its month is archived. Journal rows stay (the database keeps them)."""
    local_now = timezone.localtime(now)
    done = []
    for kind, oldest in ((JournalArchive.Kind.JOURNAL, JournalEntry.objects.order_by("at").values_list("at", flat=True).first()),
                         (JournalArchive.Kind.ACCESS, AccessLog.objects.order_by("attempt_time")
                          .values_list("attempt_time", flat=True).first())):
        if oldest is None:
            continue
        for month in _months_between(timezone.localtime(oldest), local_now):
            if not JournalArchive.objects.filter(kind=kind, month=month).exists():
                archive_month(kind, month)
                done.append(f"{kind}-{month}")
    cutoff = now - timedelta(days=retention_days())
    archived = set(JournalArchive.objects.filter(kind=JournalArchive.Kind.ACCESS).values_list("month", flat=True))
    pruned = 0
    for month in archived:
        start, end = _month_bounds(month)
        if end <= cutoff:
            pruned += AccessLog.objects.filter(attempt_time__gte=start, attempt_time__lt=end).delete()[0]
    return f"归档 {len(done)} 个月份；清理超过保留期的登录访问日志 {pruned} 条"


def retention_days() -> int:
    return max(MIN_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)))


# --- the 审计管理员's export of a period ----------------------------------------------------------
EXPORT_HEADERS = ["时间", "操作单位代码", "操作单位", "来源地址", "对象类型", "对象", "操作", "操作前", "操作后",
                  "变更内容", "原因/说明", "链分区", "链序号", "链校验值"]


class _Echo:
    def write(self, value):
        return value


def export_period_rows(start, end):
    """CSV lines (UTF-8 with BOM for Excel) of the journal in [start, end), streamed."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_HEADERS)
    entries = JournalEntry.objects.filter(at__gte=start, at__lt=end).order_by("at", "id")
    for e in entries.iterator(chunk_size=2000):
        changes = "；".join(f"{c.get('label', '')}：{c.get('old') or '（空）'} 改为: {c.get('new') or '（空）'}"
                           for c in masking.masked_json(e.changes or []))  # contacts masked (0052)
        yield writer.writerow([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_unit_code,
                               e.actor_unit_name, e.ip_address or "", journal.SUBJECT_TYPES.get(e.subject_type, e.subject_type),
                               e.subject_label, e.action_label, e.status_before, e.status_after, changes, e.reason,
                               e.chain_partition if e.chain_partition is not None else "", e.chain_seq or "", e.chain_mac])
