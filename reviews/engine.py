"""The review engine: a declared table of transitions, applied atomically.

A `Workflow` belongs to one model (media accounts, websites) and lists its `Transition`s:
each names its source statuses, the target (a status or a function of the object), who may
trigger it, the state conditions that must hold, and the side effects to run.

Two kinds of condition, kept apart so a refusal says the right thing:
- `actor(user, obj) -> bool`: who may EVER do this to this object (role and scope; it must not
  read the object's state). Failing it is `NotAllowed` (403, 您没有权限进行该操作。).
- `source` and `guards`: what the object's state must be now. Each `Guard` carries its refusal
  message (只能对已办结的网站紧急下线 …). Failing one is a `StateConflict` (409): the state moved
  on, or never was right — a second click in a stale tab lands here, never on "no permission".

`Workflow.check` evaluates all of it in one place; `allowed()` lists the transitions whose check
passes and `apply()` runs the same check on the locked row, so what the buttons offer is exactly
what `apply()` accepts (tests/reviews/test_guards.py walks every table to prove it). Only the
form data can still make `apply()` refuse (an empty reason, a date in the past).
`Workflow.apply` locks the row, re-checks, runs the effects, saves, and writes exactly one
journal entry — all in one transaction.
"""
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from django.db import models, transaction
from django.utils import timezone

from govmedia.common.bulk import copy_objects

from . import chain
from .journal import current_ip, register_transitions
from .models import JournalEntry

NEW = ""  # the status of an object not yet saved


class TransitionError(Exception):
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(TransitionError):
    http_status = 403


class StateConflict(TransitionError):
    """The object's state does not allow this now (a guard's message)."""

    http_status = 409


class AlreadyHandled(StateConflict):
    pass


HANDLED = "该申请已被处理，请刷新后查看最新状态。"
DENIED = "您没有权限进行该操作。"


class SystemActor:
    """The scheduled jobs (临时下线 starting and ending on their dates): journaled as 系统."""

    pk = None
    kind = "system"
    role = None
    username = "system"
    is_authenticated = True
    is_staff = False
    org_unit_id = None
    filer_unit_id = None

    def __str__(self) -> str:
        return "系统"


SYSTEM = SystemActor()


def is_system(user, obj=None) -> bool:
    return user is SYSTEM


@dataclass(frozen=True)
class Situation:
    """What a guard may read beside the object: who asks, and which day it is (Asia/Shanghai)."""

    user: Any
    today: date


@dataclass(frozen=True)
class Guard:
    test: Callable[[Any, Situation], bool]   # (obj, situation) -> the condition holds
    message: str                             # the refusal when it does not


@dataclass
class Context:
    """What a side effect can read and add to: the user, the form data, the journal parts."""

    user: Any
    data: dict
    changes: list = field(default_factory=list)
    result: str = ""
    reason: str = ""
    person_name: str = ""
    person_phone: str = ""
    journal_data: dict = field(default_factory=dict)
    today: date | None = None


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: frozenset
    target: str | Callable[[Any], str]
    actor: Callable[[Any, Any], bool]
    effects: tuple[Callable[[Any, Context], None], ...] = ()
    result: str = ""            # the 审核结果 text a review transition records (同意添加 …)
    kind: str = "action"        # action | review | create
    after_label: str = ""       # the journal's "status after" when the object leaves the lists
    guards: tuple[Guard, ...] = ()
    stale: str = ""             # the refusal when the status is not a source (default: 该申请已被处理…)
    # How the one button renderer (reviews.buttons) shows it: no `button` → no button.
    button: str = ""            # css of the button ("btn-primary" …)
    button_label: str = ""      # the button's text when it is not the label (审核, 编辑 …)
    confirm: str = ""           # the confirmation dialog's text (irreversible steps)
    form: str = ""              # "" a plain POST; "reason" / "reason_required" / "until" inputs; "page" a link
    denied: str = ""            # the refusal when `actor` fails (default: 您没有权限进行该操作。)

    def target_for(self, obj) -> str:
        return self.target(obj) if callable(self.target) else self.target


WORKFLOWS: list["Workflow"] = []  # every declared table (the tests walk them all)


@dataclass
class Workflow:
    model: type[models.Model]
    subject_type: str
    transitions: list[Transition]
    status_labels: dict[str, str]
    unit_of: Callable[[Any], tuple[str, str]]            # user -> (code, name) for the journal
    position_of: Callable[[Any], str] = lambda obj: ""   # 审核定位 after the transition
    after_save: tuple[Callable[[Any, Transition], None], ...] = ()
    after_bulk: tuple[Callable[[list, Transition], None], ...] = ()
    # Rows to lock before the object itself, always in this order (e.g. the filer unit whose
    # counters the transition recomputes), so concurrent transitions queue instead of racing.
    lock_first: Callable[[Any], None] | None = None
    # The attribute holding the state this table moves (one model may carry several tables,
    # e.g. a website's 申报状态 and its offline requests).
    status_attr: str = "status"
    # (reviewer attribute, its "since" attribute): the engine stamps the time a request reaches
    # a unit (审核定位 changes), so its waiting time is one column (review ageing, decision 0031).
    waiting: tuple[str, str] | None = None
    # Relations read by the effects and the journal row (the reviewer, the owner …): loaded with
    # the locked row in its one query (only the row itself is locked).
    related: tuple[str, ...] = ()
    # The org path under which the journal row is scoped (the units whose 操作日志 shows it).
    scope_of: Callable[[Any], str] = lambda obj: getattr(obj, "org_path", "") or ""
    by_name: dict = field(init=False)
    _leaving: dict = field(init=False, repr=False)

    def __post_init__(self):
        self.by_name = {t.name: t for t in self.transitions}
        if len(self.by_name) != len(self.transitions):
            raise ValueError("duplicate transition names")
        # The transitions leaving each state, in the table's order: `allowed` asks a list page's
        # 100 rows, and most of the table starts from other states.
        self._leaving = {}
        for t in self.transitions:
            for state in t.source:
                self._leaving.setdefault(state, []).append(t)
        register_transitions(self.subject_type, self.transitions)
        WORKFLOWS.append(self)

    def get(self, name: str) -> Transition:
        try:
            return self.by_name[name]
        except KeyError:
            raise NotAllowed("不支持的操作。")

    def state(self, obj) -> str:
        return getattr(obj, self.status_attr, NEW) if obj.pk else NEW

    def reviewer_id(self, obj) -> int | None:
        return getattr(obj, f"{self.waiting[0]}_id", None) if self.waiting else None

    def stamp_waiting(self, obj, reviewer_before: int | None) -> None:
        if self.waiting and self.reviewer_id(obj) != reviewer_before:
            setattr(obj, self.waiting[1], timezone.now() if self.reviewer_id(obj) else None)

    def check(self, obj, user, transition: Transition, today: date | None = None) -> TransitionError | None:
        """Why `user` may not apply `transition` to `obj` now, or None when it may."""
        if not transition.actor(user, obj):
            return NotAllowed(transition.denied or DENIED)
        if obj.pk and not getattr(obj, "is_live", True):
            return AlreadyHandled("该记录已删除或已放弃。")
        if self.state(obj) not in transition.source:
            return AlreadyHandled(transition.stale or HANDLED) if obj.pk else NotAllowed("不支持的操作。")
        situation = Situation(user=user, today=today or timezone.localdate())
        for guard in transition.guards:
            if not guard.test(obj, situation):
                return StateConflict(guard.message)
        return None

    def allowed(self, obj, user, today: date | None = None) -> list[Transition]:
        """The transitions `check` lets through, cheapest test first: a list page asks this for
        100 rows × every transition, and most transitions already fail on the state."""
        if obj.pk and not getattr(obj, "is_live", True):
            return []
        situation = None
        result = []
        for t in self._leaving.get(self.state(obj), ()):
            if not t.actor(user, obj):
                continue
            if situation is None:
                situation = Situation(user=user, today=today or timezone.localdate())
            if all(guard.test(obj, situation) for guard in t.guards):
                result.append(t)
        return result

    def can(self, obj, user, name: str, today: date | None = None) -> bool:
        t = self.by_name.get(name)
        return bool(t) and self.check(obj, user, t, today) is None

    def refusal(self, obj, user, name: str, today: date | None = None) -> TransitionError | None:
        return self.check(obj, user, self.get(name), today)

    def apply(self, obj, name: str, user, data: dict | None = None, expected_version: int | None = None,
              today: date | None = None):
        transition = self.get(name)
        ctx = Context(user=user, data=dict(data or {}), today=today or timezone.localdate())
        if not transition.actor(user, obj):  # who may act never depends on the state: no lock needed
            raise NotAllowed(transition.denied or DENIED)
        with transaction.atomic():
            if self.lock_first is not None:
                self.lock_first(obj)
            if obj.pk:
                locked = (self.model.objects.select_for_update(of=("self",)).select_related(*self.related)
                          if self.related else self.model.objects.select_for_update())
                current = locked.get(pk=obj.pk)
                if expected_version is not None and current.version != expected_version:
                    raise AlreadyHandled(HANDLED)  # the page showed an earlier state
            else:
                current = obj
            before = self.state(current)
            refusal = self.check(current, user, transition, ctx.today)
            if refusal is not None:
                raise refusal
            reviewer_before = self.reviewer_id(current) if current.pk else None
            for effect in transition.effects:
                effect(current, ctx)
            setattr(current, self.status_attr, transition.target_for(current))
            self.stamp_waiting(current, reviewer_before)
            current.version = (current.version or 0) + 1
            current.save()
            for hook in self.after_save:
                hook(current, transition)
            chain.append(_journal_entry(self, current, transition, user, ctx, before))
            _tell_observers([Applied(self, current, transition, user, ctx, before, reviewer_before)])
        return current


@dataclass(frozen=True)
class Applied:
    """One applied transition, as the observers read it (the notifications)."""

    workflow: Workflow
    obj: Any
    transition: Transition
    user: Any
    ctx: Context
    status_before: str
    reviewer_before: int | None


OBSERVERS: list[Callable[[list[Applied]], None]] = []


def observe(func: Callable[[list[Applied]], None]) -> Callable[[list[Applied]], None]:
    """Call `func(applied)` with the transitions applied, inside their transaction, after the
    journal row (an app registers in its AppConfig.ready; the engine imports no app)."""
    if func not in OBSERVERS:
        OBSERVERS.append(func)
    return func


def _tell_observers(applied: list[Applied]) -> None:
    for func in OBSERVERS:
        func(applied)


def _journal_entry(workflow, obj, transition, user, ctx, before) -> JournalEntry:
    code, unit_name = workflow.unit_of(user)
    return JournalEntry(
        subject_type=workflow.subject_type, subject_id=obj.pk, actor=user if getattr(user, "pk", None) else None,
        actor_unit_code=code, actor_unit_name=unit_name, person_name=ctx.person_name, person_phone=ctx.person_phone,
        action=transition.name, action_label=transition.label, status_before=workflow.status_labels.get(before, ""),
        status_after=transition.after_label or workflow.status_labels.get(getattr(obj, workflow.status_attr), ""),
        result=ctx.result or transition.result, reason=ctx.reason, changes=ctx.changes, data=ctx.journal_data,
        position=workflow.position_of(obj), ip_address=current_ip(), subject_label=str(obj)[:200],
        scope_path=workflow.scope_of(obj),
    )


def create_many(workflow: "Workflow", objs: list, name: str, user, data_list: list[dict]) -> list:
    """A creation transition (暂存 / 提交 of new objects) for many objects at once: the same
    checks and effects as `apply`, written with bulk inserts, all or nothing."""
    transition = workflow.get(name)
    if NEW not in transition.source:
        raise NotAllowed("该操作不能用于新建。")
    contexts = []
    with transaction.atomic():
        if workflow.lock_first is not None:
            for obj in objs[:1]:
                workflow.lock_first(obj)  # the objects of one bulk creation share their parent rows
        for obj, data in zip(objs, data_list, strict=True):
            refusal = workflow.check(obj, user, transition)
            if refusal is not None:
                raise refusal
            ctx = Context(user=user, data=dict(data))
            for effect in transition.effects:
                effect(obj, ctx)
            setattr(obj, workflow.status_attr, transition.target_for(obj))
            workflow.stamp_waiting(obj, None)
            obj.version = 1
            contexts.append(ctx)
        copy_objects(objs)
        for hook in workflow.after_bulk:
            hook(objs, transition)
        copy_objects(chain.seal([_journal_entry(workflow, obj, transition, user, ctx, NEW)
                                 for obj, ctx in zip(objs, contexts)]))
        _tell_observers([Applied(workflow, obj, transition, user, ctx, NEW, None) for obj, ctx in zip(objs, contexts)])
    return objs


def journal_of(subject_type: str, subject_id: int):
    return JournalEntry.objects.filter(subject_type=subject_type, subject_id=subject_id)
