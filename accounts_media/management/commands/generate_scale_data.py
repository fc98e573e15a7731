"""National-scale data on the real org tree, deterministic (seeded), for the benchmarks.

At --scale 1: 150,000 filer units (with their logins), 250,000 media accounts in every status
with valid platform ids and unique media codes, and about 1,000,000 journal rows. Rows are
written with PostgreSQL COPY (bulk INSERT elsewhere), with explicit ids, in minutes on 2 cores.
The data set is marked by scale and seed: a second run with the same ones does nothing.
"""
import base64
import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from govmedia.common.bulk import copy_rows
from accounts_media.counts import bump_generation
from accounts_media.filing import is_late
from accounts_media.models import COUNTED, MediaAccount, Status
from orgtree.models import CodeSequence, FilerUnit, OrgUnit
from reviews.models import JournalEntry

FULL = {"filers": 150_000, "accounts": 250_000}
TYPE_WEIGHTS = [("WX", 40), ("WB", 15), ("DY", 15), ("TT", 8), ("KS", 5), ("BJ", 3), ("BL", 3), ("XH", 3),
                ("KH", 3), ("XC", 2), ("QE", 1), ("QT", 2)]
STATUS_WEIGHTS = [(Status.NORMAL, 750), (Status.ADD_PENDING, 60), (Status.ADD_REJECTED, 20), (Status.DRAFT, 30),
                  (Status.MODIFY_PENDING, 20), (Status.MODIFY_REJECTED, 10), (Status.CLOSE_PENDING, 10),
                  (Status.CLOSE_REJECTED, 5), (Status.CLOSED, 80), (Status.RESTORE_PENDING, 5),
                  (Status.RESTORE_REJECTED, 10)]
LEVEL_WEIGHT = {1: 8, 2: 5, 3: 3}
DEPARTMENTS = ["教育局", "公安局", "财政局", "民政局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局",
               "交通运输局", "水务局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局", "市场监督管理局",
               "统计局", "医疗保障局", "信访局", "融媒体中心", "政务服务中心", "街道办事处", "镇人民政府", "乡人民政府"]


def url_for(code: str, n: int) -> tuple[str, str]:
    """A realistic link of type `code` carrying id number `n`, and the platform id read from it."""
    if code == "WX":
        biz = base64.b64encode(str(3_000_000_000 + n).encode()).decode()
        return f"https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz={biz}", biz
    if code == "WB":
        return f"https://weibo.com/u/{5_000_000_000 + n}", str(5_000_000_000 + n)
    if code == "DY":
        sec = "MS4wLjABAAAA" + base64.urlsafe_b64encode(f"govmedia-{n:012d}-douyin-account".encode()).decode().rstrip("=")
        return f"https://www.douyin.com/user/{sec}", sec
    if code == "TT":
        return f"https://www.toutiao.com/c/user/{1_000_000_000_000 + n}/", f"uid:{1_000_000_000_000 + n}"
    if code == "KS":
        return f"https://www.kuaishou.com/profile/3x{n:013x}", f"eid:3x{n:013x}"
    if code == "BJ":
        return f"https://author.baidu.com/home?app_id={1_500_000_000_000_000 + n}", str(1_500_000_000_000_000 + n)
    if code == "BL":
        return f"https://space.bilibili.com/{100_000_000 + n}", str(100_000_000 + n)
    if code == "XH":
        return f"https://www.xiaohongshu.com/user/profile/{n:024x}", f"{n:024x}"
    if code == "KH":
        return f"https://apps.apple.com/cn/app/id{1_000_000_000 + n}", f"ios:{1_000_000_000 + n}"
    if code == "XC":
        return f"weixin://dl/business/?appid=wx{n:016x}", f"wx{n:016x}"
    if code == "QE":
        return f"https://new.qq.com/omn/author/{10_000_000 + n}", str(10_000_000 + n)
    return f"https://app{n}.example.gov.cn/", f"url:app{n}.example.gov.cn"


class Command(BaseCommand):
    help = "生成全国规模的测试数据（填报单位、新媒体账号、流水），可指定比例，结果可复现。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=20261123)

    def handle(self, *args, scale=1.0, seed=20261123, **options):
        marker = f"scale-data:{scale}:{seed}"
        if CodeSequence.objects.filter(scope=marker).exists():
            self.stdout.write(f"已存在规模数据（{marker}），跳过生成。")
            return
        if not OrgUnit.objects.exists():
            call_command("load_orgtree", stdout=self.stdout)
        started = time.monotonic()
        rng = random.Random(seed)
        with transaction.atomic(), _indexes_built_after(BULK_TABLES), _foreign_keys_checked_after(BULK_TABLES):
            filers = self._filers(rng, int(FULL["filers"] * scale))
            accounts, journal = self._accounts(rng, filers, int(FULL["accounts"] * scale))
        loaded = time.monotonic()
        self._analyze()
        with transaction.atomic():
            CodeSequence.objects.create(scope=marker, last=len(accounts))
            bump_generation()
        self.stdout.write(f"规模数据：填报单位 {len(filers)}，新媒体账号 {accounts and len(accounts)}，流水 {journal}，"
                          f"用时 {time.monotonic() - started:.1f} 秒（写入 {loaded - started:.1f} 秒，"
                          f"其中重建索引 {_indexes_built_after.seconds:.1f} 秒）。")

    # --- filer units and their logins -----------------------------------------------------------
    def _filers(self, rng, total):
        units = list(OrgUnit.objects.exclude(level=0).values_list("id", "code", "name", "level", "path"))
        weights = [LEVEL_WEIGHT.get(min(level, 3), 3) * rng.uniform(0.5, 1.5) for _, _, _, level, _ in units]
        scale = total / sum(weights)
        next_id = (FilerUnit.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        taken = set(FilerUnit.objects.values_list("name", flat=True))
        highest = {scope.removeprefix("filer:"): last for scope, last in
                   CodeSequence.objects.filter(scope__startswith="filer:").values_list("scope", "last")}
        serials = {}
        rows, filers = [], []
        now = timezone.now()
        for (org_id, code, name, _level, path), weight in zip(units, weights):
            expected = weight * scale  # stochastic rounding keeps the total right at small scales
            count = min(int(expected) + (rng.random() < expected - int(expected)), 900)
            for _ in range(count):
                serial = serials.get(code, highest.get(code, 0)) + 1
                serials[code] = serial
                filer_code = f"{code}M{serial:03d}"
                full_name = f"{name}{rng.choice(DEPARTMENTS)}{serial:03d}"
                while full_name in taken:
                    full_name += "分"
                taken.add(full_name)
                # Registered over the years before their accounts (1–1500 days old), as a real registry's
                # were: one shared timestamp made 填报单位用户管理's default order (newest first) a sort of
                # every unit instead of a walk of its index.
                created = now - timezone.timedelta(days=rng.randrange(1500, 2500), seconds=rng.randrange(86400))
                updated = min(created + timezone.timedelta(days=rng.randrange(0, 1000), seconds=rng.randrange(86400)), now)
                rows.append((next_id, filer_code, full_name, org_id, "active", created, updated, "张伟", "主任",
                             f"138{next_id % 100_000_000:08d}", "010-62750000", "李娜", "科员",
                             f"139{next_id % 100_000_000:08d}", "", created, 0, 0, "", "", None))
                filers.append((next_id, filer_code, org_id, path, full_name))
                next_id += 1
        self.filer_rows = rows  # written with their 账号数量 once the accounts are made (_copy_filers)
        _save_serials({f"filer:{code}": last for code, last in serials.items()})
        password = make_password("Demo@2026")
        next_user = (User.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        copy_rows(User, ["id", "username", "kind", "filer_unit_id", "password", "is_active", "is_staff", "is_superuser",
                     "date_joined", "must_change_password", "preferences", "initial_password_encrypted"],
              [(next_user + i, filer[1], "filer", filer[0], password, True, False, False, now, False, "{}", "")
               for i, filer in enumerate(filers)])
        _reset_sequence(FilerUnit)
        _reset_sequence(User)
        # (id, code, org unit id, org path, name, login's user id)
        return [(*filer, next_user + i) for i, filer in enumerate(filers)]

    def _copy_filers(self, counts: dict) -> None:
        """The filer units with 账号数量 (accounts in a counted status) and their record total."""
        copy_rows(FilerUnit, ["id", "code", "name", "org_unit_id", "status", "created_at", "updated_at", "head_name",
                              "head_title", "head_mobile", "head_landline", "contact_name", "contact_title",
                              "contact_mobile", "contact_landline", "info_completed_at", "media_count", "account_total",
                              "delete_reason", "deleted_by", "deleted_at"],
                  (row[:16] + tuple(counts.get(row[0], (0, 0))) + row[18:] for row in self.filer_rows))

    # --- accounts and their journals ------------------------------------------------------------
    def _accounts(self, rng, filers, total):
        units = {pk: (code, name, level, parent) for pk, code, name, level, parent in
                 OrgUnit.objects.values_list("id", "code", "name", "level", "parent_id")}
        org_parent = {pk: unit[3] for pk, unit in units.items()}
        org_level = {pk: unit[2] for pk, unit in units.items()}
        root_id = OrgUnit.objects.get(level=0).id
        # The org units' logins (create_org_users runs first in `make bench`): the reviewers' steps carry them.
        org_user = dict(User.objects.filter(kind=User.Kind.ORG, org_unit__isnull=False).values_list("org_unit_id", "id"))
        status_label = dict(Status.choices)
        chains: dict = {}
        counts: dict = {}  # filer unit id → [accounts in a counted status, all its accounts]
        types, type_w = zip(*TYPE_WEIGHTS)
        statuses, status_w = zip(*STATUS_WEIGHTS)
        next_id = (MediaAccount.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        next_journal = (JournalEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        media_serial, accounts, journal = {}, [], []
        now = timezone.now()
        number = next_id * 7919
        for index in range(total):
            filer = filers[rng.randrange(len(filers))] if index >= len(filers) else filers[index]
            filer_id, filer_code, org_id, path, filer_name, filer_user = filer
            code = rng.choices(types, type_w)[0]
            status = rng.choices(statuses, status_w)[0]
            number += 1
            url, platform_id = url_for(code, number)
            approved = status not in (Status.DRAFT, Status.ADD_PENDING, Status.ADD_REJECTED)
            media_code = None
            if approved:
                key = f"{filer_code}{code}"
                media_serial[key] = media_serial.get(key, 0) + 1
                media_code = f"{key}{media_serial[key]:04d}"
            reviewer = None
            if status == Status.ADD_PENDING:
                reviewer = org_id if rng.random() < 0.6 or org_level[org_id] <= 1 else org_parent[org_id]
            elif status in (Status.MODIFY_PENDING, Status.CLOSE_PENDING):
                reviewer = org_id
            elif status == Status.RESTORE_PENDING:
                reviewer = root_id
            created = now - timezone.timedelta(days=rng.randrange(1, 1500), seconds=rng.randrange(86400))
            updated = min(created + timezone.timedelta(days=rng.randrange(0, 300), seconds=rng.randrange(86400)), now)
            steps = _journal_steps(status, org_level[org_id], rng.random() < 0.35)
            if len(steps) == 1:  # submitted (or saved) once: created then, unchanged since
                updated = created
            kind = "subscription" if code == "WX" and rng.random() < 0.8 else ("service" if code == "WX" else "")
            pname = "微信小程序" if code == "XC" else ("政务平台" if code == "QT" else "")
            name = f"{filer_code}发布{index % 97}"
            # 开设时间 as filled in (or imported) for most accounts, the first 提交's date as
            # stamp_submission sets it, and 逾期备案 from the two (accounts_media/filing.py)
            submitted_on = None if status == Status.DRAFT else timezone.localtime(created).date()
            opened_on = None
            if rng.random() < 0.7:  # most filed within the 3 working days, some weeks late
                late_by = rng.randrange(0, 4) if rng.random() < 0.85 else rng.randrange(4, 40)
                opened_on = (submitted_on or timezone.localtime(created).date()) - timezone.timedelta(days=late_by)
            filed_late = is_late(opened_on, submitted_on)
            # 账号联系人 (optional on the form) filled for most accounts, its phone stored as a token (copy_rows)
            contact = (("张伟", "编辑", f"137{next_id % 100_000_000:08d}", "") if next_id % 10 < 7 else ("", "", "", ""))
            count = counts.setdefault(filer_id, [0, 0])
            count[0] += status in COUNTED
            count[1] += 1
            accounts.append((
                next_id, filer_id, path, media_code, code, kind, pname, url, platform_id,
                name, "开设主体", rng.random() < 0.15, True, rng.random() < 0.4,
                rng.random() < 0.6, False, "", *contact, status, reviewer, "{}", "{}", "{}",
                status == Status.RESTORE_PENDING or status == Status.RESTORE_REJECTED, 1, created, updated, None, "", "",
                min(updated, now) if reviewer else None,  # reviewer_since: waiting since the last step
                filed_late, opened_on, submitted_on,
            ))
            if org_id not in chains:  # the reviewing units of an addition, from the filer's org unit up to level 1
                chain, unit = [], org_id
                while unit is not None and org_level[unit] >= 1:
                    chain.append(unit)
                    unit = org_parent[unit]
                chains[org_id] = chain or [root_id]
            label = f"{name}（{media_code or status_label[status]}）"[:200]
            span = (updated - created) / max(len(steps) - 1, 1)
            for i, (actor_unit, next_unit, step) in enumerate(_actors(steps, org_id, root_id, chains[org_id])):
                if actor_unit is None:
                    actor, unit_code, unit_name = filer_user, filer_code, filer_name
                else:
                    actor, (unit_code, unit_name) = org_user.get(actor_unit), units[actor_unit][:2]
                position = f"{units[next_unit][1]}（{units[next_unit][0]}）" if next_unit else ""
                at = updated if i == len(steps) - 1 else created + span * i
                journal.append((next_journal, "media_account", next_id, at, actor, unit_code, unit_name,
                                "", "", step[0], step[1], step[2], step[3], "", "", "[]", "{}", position, label,
                                path))
                next_journal += 1
            next_id += 1
        self._copy_filers(counts)
        copy_rows(MediaAccount, ["id", "filer_unit_id", "org_path", "media_code", "account_type", "wechat_kind",
                             "platform_name", "url", "platform_id", "name", "operator", "represents_government",
                             "func_publish", "func_service", "func_interact", "func_other", "func_other_text",
                             "contact_name", "contact_title", "contact_mobile", "contact_landline", "status",
                             "reviewer_id", "pending_changes", "request_data", "last_review", "restore_requested",
                             "version", "created_at", "updated_at", "removed_at", "removal", "removal_reason",
                             "reviewer_since", "filed_late", "opened_on", "submitted_on"], accounts)
        columns = ["id", "subject_type", "subject_id", "at", "actor_id", "actor_unit_code", "actor_unit_name",
                   "person_name", "person_phone", "action", "action_label", "status_before", "status_after", "result",
                   "reason", "changes", "data", "position", "subject_label", "scope_path"]
        for start in range(0, len(journal), 100_000):  # COPY in slices: the text of a slice, not of a million rows
            copy_rows(JournalEntry, columns, journal[start:start + 100_000])
        _save_serials({f"media:{key}": last for key, last in media_serial.items()})
        _reset_sequence(MediaAccount)
        _reset_sequence(JournalEntry)
        return accounts, len(journal)

    def _analyze(self):
        """Fresh planner statistics for the loaded tables (the bench's pages are planned on them)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in BULK_TABLES:
                    cursor.execute(f"ANALYZE {table}")


def _journal_steps(status, level, modified_once=False):
    """(action, label, before, after) rows that lead to `status`; some accounts went through an
    approved change request on the way."""
    steps = [("submit", "提交", "", "添加待审核")]
    if status == Status.DRAFT:
        return [("save_draft", "暂存", "", "未提交")]
    if status == Status.ADD_PENDING:
        return steps
    if status == Status.ADD_REJECTED:
        return steps + [("reject_add", "驳回添加", "添加待审核", "添加被驳回")]
    steps += [("approve_add", "同意添加", "添加待审核", "添加待审核")] * max(level - 1, 0)
    steps.append(("approve_add", "同意添加", "添加待审核", "正常"))
    if modified_once:
        steps += [("request_modify", "修改", "正常", "修改待审核"), ("approve_modify", "同意修改", "修改待审核", "正常")]
    extra = {
        Status.MODIFY_PENDING: [("request_modify", "修改", "正常", "修改待审核")],
        Status.MODIFY_REJECTED: [("request_modify", "修改", "正常", "修改待审核"), ("reject_modify", "驳回修改", "修改待审核", "修改被驳回")],
        Status.CLOSE_PENDING: [("request_close", "关停", "正常", "关停待审核")],
        Status.CLOSE_REJECTED: [("request_close", "关停", "正常", "关停待审核"), ("reject_close", "驳回关停", "关停待审核", "关停被驳回")],
        Status.CLOSED: [("request_close", "关停", "正常", "关停待审核"), ("approve_close", "同意关停", "关停待审核", "关停")],
        Status.RESTORE_PENDING: [("request_close", "关停", "正常", "关停待审核"), ("approve_close", "同意关停", "关停待审核", "关停"),
                                 ("request_restore", "恢复", "关停", "恢复待审核")],
        Status.RESTORE_REJECTED: [("request_close", "关停", "正常", "关停待审核"), ("approve_close", "同意关停", "关停待审核", "关停"),
                                  ("request_restore", "恢复", "关停", "恢复待审核"),
                                  ("reject_restore", "驳回关停恢复申请", "恢复待审核", "恢复被驳回")],
    }
    return steps + extra.get(status, [])


# The tables loaded in bulk: their secondary indexes are dropped before the COPY and built again
# after it, in the same transaction (one sorted build each instead of a million index insertions).
BULK_TABLES = ("orgtree_filerunit", "accounts_user", "accounts_media_mediaaccount", "reviews_journalentry")


class _indexes_built_after:
    """Drop the indexes of `tables` that back no constraint, run the block, create them again
    (PostgreSQL; a no-op elsewhere). Inside the caller's transaction: a failure restores them."""

    seconds = 0.0

    def __init__(self, tables):
        self.tables, self.definitions = tables, []

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i
                              WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                           [list(self.tables)])
            self.definitions = cursor.fetchall()
            for name, _definition in self.definitions:
                cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None or not self.definitions:
            return False
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks first (CREATE INDEX waits for none)
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in self.definitions:
                cursor.execute(definition)
        type(self).seconds = time.monotonic() - started
        return False


class _foreign_keys_checked_after:
    """The foreign keys of `tables` checked once per key with an anti-join after the block instead of
    a trigger per row (≈ 1.5 million lookups at full scale, a minute under load): the block runs with
    session_replication_role = replica (PostgreSQL, superuser only, as the bench's role is; else
    the per-row checks stay). A dangling reference fails the command and rolls the load back."""

    def __init__(self, tables):
        self.tables, self.active = tables, False

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            self.active = bool(row and row[0])
            if self.active:
                cursor.execute("SET LOCAL session_replication_role = replica")
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None or not self.active:
            return False
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
            cursor.execute("""SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, f.attname
                              FROM pg_constraint c
                              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                              JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1]
                              WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
                                AND c.conrelid::regclass::text = ANY(%s)""", [list(self.tables)])
            for table, column, target, target_column in cursor.fetchall():
                cursor.execute(f'SELECT t."{column}" FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
                               f'(SELECT 1 FROM {target} r WHERE r."{target_column}" = t."{column}") LIMIT 1')
                dangling = cursor.fetchone()
                if dangling:
                    raise CommandError(f"{table}.{column} = {dangling[0]}: no such {target}.{target_column}")
        return False


FILER_STEPS = {"save_draft", "submit", "request_modify", "request_close", "request_restore"}


def _actors(steps, org_id, root_id, chain):
    """(acting org unit or None for the filer unit, org unit reviewing next or None, step) of each
    step: the filer unit submits and requests, the review of an addition climbs `chain` (the filer's
    org unit up to level 1), a change or a closure is reviewed by the filer's org unit, a restoration
    by GB (the manual's 关停恢复 goes to 国办)."""
    approvals = 0
    for step in steps:
        action, after = step[0], step[3]
        if action in FILER_STEPS:
            following = None if action == "save_draft" else (root_id if action == "request_restore" else org_id)
            yield None, following, step
        elif action == "approve_add":
            unit = chain[min(approvals, len(chain) - 1)]
            approvals += 1
            yield unit, (chain[approvals] if after == "添加待审核" and approvals < len(chain) else None), step
        else:
            yield (root_id if action.endswith("_restore") else (chain[0] if action == "reject_add" else org_id)), None, step


def _save_serials(lasts: dict[str, int]) -> None:
    """The counters of the generated codes, so that later codes follow them (one bulk upsert)."""
    CodeSequence.objects.bulk_create([CodeSequence(scope=k, last=v) for k, v in lasts.items()], batch_size=5000,
                                     update_conflicts=True, unique_fields=["scope"], update_fields=["last"])


def _reset_sequence(model):
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}")
