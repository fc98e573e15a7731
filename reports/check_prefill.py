"""Prefilling 检查结果信息表 from the registry, set-wise (decision 0021, "which subjects are on a sheet").

`fill_rows(cursor, sheet_ids)` inserts the rows of many sheets with one INSERT … SELECT per kind of
subject, whatever their number: a round's job calls it for the sheets it has just inserted (already
marked prefilled, in the same transaction); `prefill_sheets(sheet_ids)` locks the listed sheets not
yet prefilled (one a unit opens, sheets made before rows came with them), fills and marks them; a
sheet already prefilled is skipped, so running either twice adds nothing.

The rule:
- a filer unit's sheet: every account of the unit that has a 新媒体标识码, is not deleted and is
  live (LIVE_MEDIA: 正常 and every state an open account passes through while a modification or a
  closure is reviewed), with its state when it is not 正常;
- websites with a 网站标识码 that are running or only temporarily off (LIVE_SITES, listed with the
  state), on the sheet of the filer unit that is their 主办单位: by id (Website.sponsor_filer_unit),
  else by the 主办单位 text equal to the 填报单位全称 of an active filer unit of the site's org unit;
- an org unit's sheet: its sites no filer unit matched, marked sponsor_unmatched where the text
  names neither a filer unit nor the org unit itself, so the org unit sees and fixes them.

Other apps extend a prefill by adding a step to PREFILL_STEPS (e.g. monitoring's failed
indicators): each step is `step(cursor, sheet_ids)` run after the rows are inserted, inside the
same transaction, for the sheets being prefilled now.
"""
from typing import Callable

from django.db import connection, transaction

from accounts_media.models import Status as MediaStatus
from accounts_media.platforms import ACCOUNT_TYPES, PLATFORM_NAME_SEPARATOR, WECHAT_KIND_LABELS
from govmedia.common import sqlport
from websites.models import RunStatus

# Accounts on a sheet: open accounts, whatever review is pending on them (not 关停, not a closed
# account asking to be restored, never one without a 新媒体标识码).
LIVE_MEDIA = (MediaStatus.NORMAL, MediaStatus.MODIFY_PENDING, MediaStatus.MODIFY_REJECTED, MediaStatus.CLOSE_PENDING,
              MediaStatus.CLOSE_REJECTED)
# Websites on a sheet: running, or off for a time (临时下线, 紧急下线) — listed with that state.
LIVE_SITES = (RunStatus.NORMAL, RunStatus.TEMP_OFFLINE, RunStatus.EMERGENCY_OFFLINE)

PREFILL_STEPS: list[Callable] = []


def _type_label_sql(alias: str) -> str:
    """The account's 新媒体类型 as `MediaAccount.type_display` writes it, as a SQL expression."""
    parts = []
    for kind, label in WECHAT_KIND_LABELS.items():
        parts.append(f"WHEN {alias}.account_type = 'WX' AND {alias}.wechat_kind = '{kind}' THEN '微信{label}'")
    for t in ACCOUNT_TYPES:
        if t.needs_platform_name:
            parts.append(f"WHEN {alias}.account_type = '{t.code}' AND trim({alias}.platform_name) <> '' "
                         f"THEN '{t.list_label}{PLATFORM_NAME_SEPARATOR}' || trim({alias}.platform_name)")
        parts.append(f"WHEN {alias}.account_type = '{t.code}' THEN '{t.list_label}'")
    return "CASE " + " ".join(parts) + f" ELSE {alias}.account_type END"


def _labels_sql(column: str, labels: dict) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in labels.items())
    return f"CASE {column} {whens} ELSE '' END"


ITEM_COLUMNS = ("sheet_id, account_id, website_id, media_code, type_label, name, operator, passed, unregistered, link, "
                "problems, problem_other, rectification, subject_state, sponsor_unmatched")

# The filer unit a site belongs to: by id, else by its 主办单位 text within the site's org unit.
SITE_FILER = """COALESCE(
    (SELECT f.id FROM orgtree_filerunit f WHERE f.id = w.sponsor_filer_unit_id AND f.status = 'active'),
    (SELECT min(f.id) FROM orgtree_filerunit f WHERE w.sponsor_filer_unit_id IS NULL AND f.org_unit_id = w.org_unit_id
       AND f.name = w.sponsor AND f.status = 'active'))"""


def _insert_accounts(cursor, sheet_ids: list[int]) -> None:
    states = {s.value: s.label for s in LIVE_MEDIA if s != MediaStatus.NORMAL}
    cursor.execute(f"""
        INSERT INTO reports_spotcheckitem ({ITEM_COLUMNS})
        SELECT s.id, a.id, NULL, a.media_code, {_type_label_sql('a')}, a.name, a.operator, NULL, false, '',
               {sqlport.empty_json_array(connection)}, '', '', {_labels_sql('a.status', states)}, false
        FROM reports_checksheet s JOIN accounts_media_mediaaccount a ON a.filer_unit_id = s.filer_unit_id
        WHERE s.id {sqlport.in_list(connection)} AND a.media_code IS NOT NULL AND a.removed_at IS NULL
          AND a.status {sqlport.in_list(connection)}
        ORDER BY s.id, a.media_code""", [sqlport.ids(connection, sheet_ids), sqlport.ids(connection, LIVE_MEDIA)])


def _insert_sites(cursor, sheet_ids: list[int]) -> None:
    states = {s.value: s.label for s in LIVE_SITES if s != RunStatus.NORMAL}
    state = _labels_sql("w.run_status", states)
    # Sites of an org unit of a sheet being prefilled, each with the filer unit it belongs to.
    cursor.execute(f"""
        WITH sites AS (
            SELECT w.*, {SITE_FILER} AS filer_id FROM websites_website w
            WHERE w.site_code IS NOT NULL AND w.run_status {sqlport.in_list(connection)}
              AND w.org_unit_id IN (SELECT org_unit_id FROM reports_checksheet WHERE id {sqlport.in_list(connection)}))
        INSERT INTO reports_spotcheckitem ({ITEM_COLUMNS})
        SELECT s.id, NULL, w.id, w.site_code, '政府网站', w.name, w.sponsor, NULL, false, w.homepage,
               {sqlport.empty_json_array(connection)}, '', '', {state},
               s.filer_unit_id IS NULL AND w.sponsor <> o.name AND w.sponsor <> ''
        FROM reports_checksheet s JOIN sites w ON w.org_unit_id = s.org_unit_id
             JOIN orgtree_orgunit o ON o.id = s.org_unit_id
        WHERE s.id {sqlport.in_list(connection)}
          AND ((s.filer_unit_id IS NOT NULL AND w.filer_id = s.filer_unit_id)
               OR (s.filer_unit_id IS NULL AND w.filer_id IS NULL))
        ORDER BY s.id, w.site_code""", [sqlport.ids(connection, LIVE_SITES), sqlport.ids(connection, sheet_ids),
                                        sqlport.ids(connection, sheet_ids)])


def prefill_sheets(sheet_ids: list[int]) -> int:
    """Fill the listed sheets not yet prefilled (all kinds of rows), mark them prefilled. Returns
    the number of sheets filled now. Safe to run twice and from two processes at once (the
    sheets are locked first)."""
    if not sheet_ids:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM reports_checksheet WHERE id {sqlport.in_list(connection)} AND NOT prefilled "
                       f"ORDER BY id{sqlport.for_update(connection)}", [sqlport.ids(connection, sheet_ids)])
        todo = [row[0] for row in cursor.fetchall()]
        if not todo:
            return 0
        fill_rows(cursor, todo)
        cursor.execute(f"UPDATE reports_checksheet SET prefilled = true WHERE id {sqlport.in_list(connection)}",
                       [sqlport.ids(connection, todo)])
    return len(todo)


def fill_rows(cursor, sheet_ids: list[int]) -> None:
    """Insert the registry's rows of these sheets (the caller holds them: new in its transaction,
    or locked and not yet prefilled) and run the other apps' steps."""
    _insert_accounts(cursor, sheet_ids)
    _insert_sites(cursor, sheet_ids)
    for step in PREFILL_STEPS:
        step(cursor, sheet_ids)
