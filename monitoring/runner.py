"""A check run: which objects are monitored, in chunks on the job queue (each chunk reports the
run's progress), the checks in a bounded thread pool, the results and findings written per chunk.

`start_run()` is the scheduled entry (jobs/schedule.py): it creates the CheckRun and enqueues one
queue task per chunk of MONITORING_CHUNK_SIZE objects (a pk range). `run_chunk()` is the task:
it reads the chunk's snapshots, checks them with MONITORING_CONCURRENCY threads, then writes the
CheckResults and opens, updates or closes the Findings in one transaction. The last chunk to
finish marks the run done. `run_now()` does the same in this process (`manage.py run_monitoring`).
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.db import connections, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Left
from django.utils import timezone
from django_tasks import task

from . import conf
from .changes import bump_generation
from .checks import Outcome, check_account, check_website
from govmedia.fetch.fetchers import Fetcher, host_key, make_fetcher
from .indicators import load_config, official_name_rules, record_verdicts
from .models import WEBSITE_KINDS, CheckResult, CheckRun, Finding, Kind
from .signals import findings_closed, findings_opened
from accounts_media.models import COUNTED, MediaAccount, Status
from websites.models import RunStatus, Website
from .models import CONTENT_KINDS, Indicator

logger = logging.getLogger("govmedia.monitoring")
WEBSITES, ACCOUNTS = "website", "account"
ACCOUNT_FIELDS = ("id", "account_type", "url", "platform_id", "org_path")
WEBSITE_FIELDS = ("id", "homepage", "icp_number", "police_record", "columns", "org_path")


def live_account_statuses() -> list[str]:
    """Accounts that are open: every status on the register (SPEC §5) but the closed ones still
    counted while a restore is asked (恢复待审核, 恢复被驳回: /verify/ says 已关停)."""
    return [s for s in COUNTED if s not in (Status.RESTORE_PENDING, Status.RESTORE_REJECTED)]


def monitored(kind: str):
    """The objects a run checks live: 正常 websites with a 网站标识码 (never 临时/永久/紧急下线,
    例外 or deleted); open accounts with a 新媒体标识码 (never closed, deleted, or closed and
    asking to be restored). Their owners get findings; nobody else's objects are fetched."""
    if kind == WEBSITES:
        return Website.objects.filter(run_status=RunStatus.NORMAL, site_code__isnull=False)
    return MediaAccount.objects.filter(status__in=live_account_statuses(), removed_at__isnull=True,
                                       media_code__isnull=False)


def chunks(kind: str, size: int | None = None):
    """(kind, first pk, last pk, count) of consecutive chunks, from one index-only scan of pks."""
    size = size or conf.get("MONITORING_CHUNK_SIZE")
    batch: list[int] = []
    for pk in monitored(kind).order_by("pk").values_list("pk", flat=True).iterator(chunk_size=10_000):
        batch.append(pk)
        if len(batch) == size:
            yield kind, batch[0], batch[-1], len(batch)
            batch = []
    if batch:
        yield kind, batch[0], batch[-1], len(batch)


def _plan(kinds, trigger: str, concurrency: int) -> tuple[CheckRun, list]:
    # A run still 进行中 when the next one starts lost chunks (a worker died): it stays 未完成.
    CheckRun.objects.filter(status=CheckRun.Status.RUNNING).update(status=CheckRun.Status.ABANDONED,
                                                                   finished_at=timezone.now())
    official_name_rules()   # the dictionary follows the org tree's official names (0045)
    planned = [c for kind in kinds for c in chunks(kind)]
    run = CheckRun.objects.create(trigger=trigger, objects_total=sum(c[3] for c in planned), chunks_total=len(planned),
                                  concurrency=concurrency)
    return run, planned


def start_run(now=None, kinds=(WEBSITES, ACCOUNTS)) -> str:
    """The scheduled entry: plan the run and put its chunks on the queue."""
    if not conf.get("MONITORING_ENABLED"):
        return "自动监测已关闭（MONITORING_ENABLED=0）"
    with transaction.atomic():
        run, planned = _plan(kinds, "scheduled", conf.get("MONITORING_CONCURRENCY"))
        for kind, first, last, _ in planned:
            run_chunk_task.enqueue(run.pk, kind, first, last)
        if not planned:
            _finish(run.pk)
    return f"监测批次 {run.pk}：{run.objects_total} 个对象，{run.chunks_total} 个分块已排队"


def run_now(kinds=(WEBSITES, ACCOUNTS), fetcher: Fetcher | None = None, progress=None, trigger="command") -> CheckRun:
    """The whole run in this process, chunk after chunk, one fetcher (and its per-host gate) for all."""
    own = fetcher is None
    fetcher = fetcher or make_fetcher()
    try:
        run, planned = _plan(kinds, trigger, getattr(fetcher, "concurrency", conf.get("MONITORING_CONCURRENCY")))
        if not planned:
            _finish(run.pk)
        for kind, first, last, _ in planned:
            run_chunk(run.pk, kind, first, last, fetcher=fetcher)
            if progress:
                run.refresh_from_db()
                progress(run)
    finally:
        if own:
            fetcher.close()
    run.refresh_from_db()
    return run


def _snapshots(kind: str, first: int, last: int) -> list[dict]:
    fields = WEBSITE_FIELDS if kind == WEBSITES else ACCOUNT_FIELDS
    return list(monitored(kind).filter(pk__gte=first, pk__lte=last).order_by("pk").values(*fields))


@task(queue_name="scheduled")
def run_chunk_task(run_id: int, kind: str, first: int, last: int) -> str:
    """The queue task of a run's chunk (a worker runs it, `manage.py jobs_worker`)."""
    return run_chunk(run_id, kind, first, last)


def run_chunk(run_id: int, kind: str, first: int, last: int, fetcher: Fetcher | None = None) -> str:
    """Check the monitored objects with first ≤ pk ≤ last and record what was found."""
    own = fetcher is None
    fetcher = fetcher or make_fetcher()
    today = timezone.localdate()
    objects = _snapshots(kind, first, last)
    check = check_website if kind == WEBSITES else check_account
    config = load_config()   # the indicators' thresholds and the dictionary, read once (no ORM in the threads)
    try:
        offline = network_down(fetcher)
        if offline:
            outcomes = [not_checked(kind, obj, offline) for obj in objects]
        else:
            with ThreadPoolExecutor(max_workers=getattr(fetcher, "concurrency", conf.get("MONITORING_CONCURRENCY"))) as pool:
                outcomes = list(pool.map(lambda obj: check(obj, fetcher, today, config), objects))
            hosts_down(kind, objects, outcomes)
    finally:
        if own:
            fetcher.close()
    record(run_id, kind, [o["id"] for o in objects], outcomes)
    record_verdicts(kind, objects, outcomes)
    return f"{kind} {first}-{last}: {len(objects)}"


NOT_CHECKED_OFFLINE = "未检查：监测服务器无法访问互联网（探测地址均无应答）"


def network_down(fetcher: Fetcher) -> str:
    """"" when one of MONITORING_PROBE_URLS answers (any HTTP status), else why the chunk is not
    checked: without the Internet every object would look broken (never cry wolf, 0044)."""
    probes = [u for u in (conf.get("MONITORING_PROBE_URLS") or ()) if u]
    if not probes:
        return ""
    for url in probes:
        page = fetcher.get(url)
        if page.status is not None:
            return ""
    return NOT_CHECKED_OFFLINE


def not_checked(kind: str, obj: dict, reason: str) -> list[Outcome]:
    """The outcomes the object's checks would have given, each 未检查 with `reason`."""
    if kind == WEBSITES:
        kinds = WEBSITE_KINDS
    elif obj["account_type"] == "KH":
        kinds = (Kind.APP_DOWNLOAD,)
    else:
        kinds = (Kind.ACCOUNT_LINK, Kind.ACCOUNT_UPDATE)
    return [Outcome(k, None, reason) for k in kinds if conf.check_enabled(k)]


LINK_KINDS = {Kind.HOMEPAGE: "homepage", Kind.ACCOUNT_LINK: "url", Kind.APP_DOWNLOAD: "url"}


def hosts_down(kind: str, objects: list[dict], outcomes: list[list[Outcome]]) -> int:
    """A host none of whose links answered in this chunk, with at least MONITORING_HOST_OUTAGE_MIN of
    them (a platform such as weibo.com down, or cut off from here): those links are 未检查, not
    findings of every account on it. Returns how many outcomes were turned."""
    least = conf.get("MONITORING_HOST_OUTAGE_MIN")
    by_host: dict[str, list[Outcome]] = {}
    for obj, found in zip(objects, outcomes):
        for o in found:
            field = LINK_KINDS.get(o.kind)
            if field and o.ok is not None:
                by_host.setdefault(host_key(obj[field] if "://" in obj[field] else "http://" + obj[field]), []).append(o)
    turned = 0
    for host, items in by_host.items():
        if len(items) >= least and all(o.ok is False and o.status_code is None for o in items):
            for o in items:
                o.ok, o.detail = None, f"未检查：{host} 的 {len(items)} 个链接均无应答（视为平台或网络故障）"
                turned += 1
    return turned


def _previous(field: str, ids: list[int]) -> dict:
    """The last checked (passed or failed) result of each object and kind before this chunk: one
    DISTINCT ON query on the per-object history index (SQLite, the demo: the history in that
    order, the first row of each kept)."""
    rows = (CheckResult.objects.filter(**{f"{field}__in": ids}, ok__isnull=False)
            .order_by(field, "kind", "-checked_at", "-id"))
    if connections[rows.db].vendor == "postgresql":
        rows = rows.distinct(field, "kind")
    last: dict = {}
    for r in rows.values(field, "kind", "ok", "streak", "failing_since", "checked_at"):
        last.setdefault((r[field], r["kind"]), r)
    return last


def _streak(previous: dict | None, ok: bool | None, now) -> tuple[int, object]:
    if ok is not False:
        return 0, None
    if previous and previous["ok"] is False:
        return min(previous["streak"] + 1, 32000), previous["failing_since"] or previous["checked_at"]
    return 1, now


def confirmed(streak: int, since, now) -> bool:
    """A failure is a finding once MONITORING_CONFIRM_RUNS runs in a row failed, the first at least
    MONITORING_CONFIRM_HOURS before this one (with 1 run: at once)."""
    runs = max(1, int(conf.get("MONITORING_CONFIRM_RUNS")))
    if runs == 1:
        return streak >= 1
    return streak >= runs and since is not None and (now - since) >= timedelta(hours=float(conf.get("MONITORING_CONFIRM_HOURS")))


@transaction.atomic
def record(run_id: int, kind: str, ids: list[int], outcomes: list) -> list[Finding]:
    """Results and findings of one chunk; the run's counters. Returns the findings opened."""
    now = timezone.now()
    field = "website_id" if kind == WEBSITES else "account_id"
    previous = _previous(field, ids)
    results, streaks = [], {}
    for pk, found in zip(ids, outcomes):
        for o in found:
            streak, since = _streak(previous.get((pk, o.kind)), o.ok, now)
            streaks[(pk, o.kind)] = (streak, since)
            results.append(CheckResult(run_id=run_id, kind=o.kind, ok=o.ok, status_code=o.status_code,
                                       elapsed_ms=o.elapsed_ms, detail=o.detail[:500], data=o.data, checked_at=now,
                                       streak=streak, failing_since=since, **{field: pk}))
    CheckResult.objects.bulk_create(results, batch_size=2000)
    open_now = {(getattr(f, field), f.kind): f for f in
                Finding.objects.select_for_update().filter(**{f"{field}__in": ids, "closed_at__isnull": True})}
    new, changed, closed = [], [], []
    for pk, found in zip(ids, outcomes):
        for o in found:
            current = open_now.get((pk, o.kind))
            o.confirmed = o.ok is False and (current is not None or confirmed(*streaks[(pk, o.kind)], now))
            if o.ok is False and current is None:
                if not o.confirmed:
                    continue   # a first failure (or too soon after it): checked again next run, no finding yet
                new.append(Finding(kind=o.kind, detail=o.detail[:500], data=o.data, first_seen=now, last_seen=now,
                                   last_run_id=run_id, **{field: pk}))
            elif o.ok is False:
                current.detail, current.data, current.last_seen, current.last_run_id = o.detail[:500], o.data, now, run_id
                changed.append(current)
            elif o.ok is True and current is not None:
                current.closed_at, current.last_run_id = now, run_id
                closed.append(current)
    # A second run over the same objects at the same moment (the command beside the schedule) may
    # open the same finding first: its row stands, this one is skipped.
    Finding.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    Finding.objects.bulk_update(changed, ["detail", "data", "last_seen", "last_run_id"], batch_size=2000)
    Finding.objects.bulk_update(closed, ["closed_at", "last_run_id"], batch_size=2000)
    if new or changed or closed:
        bump_generation()
    CheckRun.objects.filter(pk=run_id).update(objects_done=F("objects_done") + len(ids), chunks_done=F("chunks_done") + 1,
                                              opened=F("opened") + len(new), closed=F("closed") + len(closed))
    run = CheckRun.objects.get(pk=run_id)
    if run.chunks_done >= run.chunks_total:
        _finish(run_id)
    new_ids = list(Finding.objects.filter(first_seen=now, last_run_id=run_id, **{f"{field}__in": ids})
                   .values_list("pk", flat=True)) if new else []
    if new_ids:
        transaction.on_commit(lambda: announce(new_ids))
    closed_ids = [f.pk for f in closed]
    if closed_ids:
        transaction.on_commit(lambda: announce(closed_ids, findings_closed))
    return new


def announce(finding_ids: list[int], signal=findings_opened) -> None:
    """The chunk's new (or recovered) findings, once it has committed: `findings_opened` (or
    `findings_closed`) with all of them (one query to load them, whatever the receivers)."""
    findings = list(Finding.objects.filter(pk__in=finding_ids).select_related("account", "website").order_by("pk"))
    if not findings:
        return
    # send_robust: a receiver's failure never loses the run's results, nor the other receivers' turn
    for receiver, result in signal.send_robust(sender=Finding, findings=findings):
        if isinstance(result, Exception):
            logger.error("findings signal receiver %r failed for findings %s…%s", receiver, findings[0].pk,
                         findings[-1].pk, exc_info=result)


SWITCHED_OFF = "（该项监测已关闭，不再检查）"
LEFT_MONITORING = "（对象已关停、下线或删除，不再监测）"


def _finish(run_id: int) -> None:
    """The run is done: findings of objects no longer monitored (closed, offline) are closed too,
    and so are findings of a check switched off (MONITORING_DISABLED_CHECKS): no run will see them
    again, so they would stay 待核查 and counted for ever; their detail says why they ended."""
    now = timezone.now()
    CheckRun.objects.filter(pk=run_id, status=CheckRun.Status.RUNNING).update(status=CheckRun.Status.DONE, finished_at=now)

    bump_generation()  # findings of what is no longer checked close below
    read = set(Indicator.objects.filter(enabled=True).values_list("rule", flat=True))
    off = [kind for kind in Kind if not conf.check_enabled(kind) or (kind in CONTENT_KINDS and kind not in read)]
    if off:
        Finding.objects.filter(closed_at__isnull=True, kind__in=off).update(
            closed_at=now, last_run_id=run_id, detail=Left(Concat(F("detail"), Value(SWITCHED_OFF)), 500))
    left = Left(Concat(F("detail"), Value(LEFT_MONITORING)), 500)
    Finding.objects.filter(closed_at__isnull=True, account__isnull=False).exclude(
        account_id__in=monitored(ACCOUNTS).values("pk")).update(closed_at=now, detail=left)
    Finding.objects.filter(closed_at__isnull=True, website__isnull=False).exclude(
        website_id__in=monitored(WEBSITES).values("pk")).update(closed_at=now, detail=left)


def prune_results(now=None) -> str:
    """Scheduled daily: CheckResult rows older than MONITORING_KEEP_RESULTS_DAYS (findings stay)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=conf.get("MONITORING_KEEP_RESULTS_DAYS"))
    deleted, _ = CheckResult.objects.filter(checked_at__lt=cutoff).delete()
    return f"删除过期监测结果 {deleted} 条"
