"""The review chain of one account, as a picture on 查看 (issue 30): who reviews its request and
where it is now (审核定位). Add requests climb from the filer's own org unit to the province or
department (L1), which is final; modify and closure requests stop at the own org unit; a restore
is asked by the L1 unit and decided by 国务院办公厅 (accounts_media/workflow.py)."""
from dataclasses import dataclass

from orgtree.selectors import ancestors_of, root

from .models import Status

S = Status


@dataclass(frozen=True)
class Step:
    who: str          # the unit
    role: str         # what it does here (提交, 审核, 终审 …)
    state: str        # done | current | todo


def chain_of(account) -> dict:
    """{"title", "steps", "note"} for the account's request now, or the add chain it went through."""
    own = account.filer_unit.org_unit
    filer = Step(f"{account.filer_unit.name}（{account.filer_unit.code}）", "填报单位提交", "done")
    reviewer = account.reviewer_id
    if account.status == S.RESTORE_PENDING:
        l1 = ancestors_of(own, include_self=True)[1]
        gb = root()
        return {"title": "关停恢复申请", "note": "关停恢复由省级或国务院部门组织单位申请，国务院办公厅审核；每个账号只能恢复一次。",
                "steps": [Step(f"{l1.name}（{l1.code}）", "申请恢复", "done"),
                          Step(f"{gb.name}（{gb.code}）", "审核", "current" if reviewer == gb.pk else "todo")]}
    if account.status in (S.MODIFY_PENDING, S.CLOSE_PENDING):
        title = "修改申请" if account.status == S.MODIFY_PENDING else "关停申请"
        return {"title": title, "note": "修改、关停申请只由本级组织单位审核，审核通过即生效。",
                "steps": [filer, Step(f"{own.name}（{own.code}）", "审核", "current" if reviewer == own.pk else "todo")]}
    road = [u for u in reversed(ancestors_of(own, include_self=True)) if u.level >= 1]  # own unit up to L1
    steps = [filer]
    passed = account.status != S.ADD_PENDING  # every level passed once the request left them
    position = next((i for i, u in enumerate(road) if u.pk == reviewer), None)
    for i, unit in enumerate(road):
        role = "终审（生成新媒体标识码）" if unit.level == 1 else "审核"
        if account.status == S.ADD_PENDING and position is not None:
            state = "done" if i < position else ("current" if i == position else "todo")
        else:
            state = "done" if passed and account.media_code else "todo"
        steps.append(Step(f"{unit.name}（{unit.code}）", role, state))
    note = "添加申请逐级审核，终审为省、国务院部门组织单位。"
    if account.status == S.DRAFT:
        steps[0] = Step(filer.who, "填报单位提交", "current")
        note = "尚未提交：提交后由本级组织单位开始审核。" + note
    return {"title": "添加申请", "steps": steps, "note": note}
