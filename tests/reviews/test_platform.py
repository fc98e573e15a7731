"""The platform's two closed doors, checked over the source itself:
- no code but the review engine (and the effects of a declared transition, which the engine runs)
  assigns a status field: every state change is a declared transition;
- the journal's actions and subject types are a closed registry: `record()` refuses anything else,
  every code has a Chinese label, and the ops admin's 操作 filter offers every code in use."""
import ast
import inspect
import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import get_resolver

from jobs.models import Job
from reviews import journal
from reviews.admin import ActionFilter, JournalEntryAdmin
from reviews.engine import WORKFLOWS
from reviews.models import JournalEntry

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "tests", "bench", "node_modules", "migrations", "static"}
# Status fields of other machines than a record's: a job's progress in the queue, a monitoring run's,
# a fetched page's HTTP status. Each is named here with its reason; nothing else may assign one.
NOT_A_RECORD_STATE = {
    "jobs/services.py": "the job queue's own worker state (queued → running → done/failed)",
    "jobs/runners.py": "the job queue's own worker state (queued → running → done/failed)",
    "monitoring/runner.py": "a monitoring run's progress",
    "govmedia/fetch/fetchers.py": "a fetched page's HTTP status code",
    "reports/check_rounds.py": "a 检查季度 round's generation job (正在生成检查表 → 已生成), not a review state",
    "verify/continuity.py": "a reuse watch's last HTTP status code",
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def source_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not SKIPPED_DIRS & set(relative.parts):
            yield relative.as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(relative))


def workflows():
    assert get_resolver().url_patterns  # importing every view imports every declared table
    from websites.codes import SITE_CODE_WORKFLOW  # the 16:00 job's table (no view imports it first)

    assert SITE_CODE_WORKFLOW in WORKFLOWS
    return WORKFLOWS


def effects_by_file() -> dict[str, set[str]]:
    """file → names of the functions a declared transition runs as its effects (the engine runs them
    inside `apply`, on the locked row, before it saves and journals)."""
    found: dict[str, set[str]] = {}
    for workflow in workflows():
        for transition in workflow.transitions:
            for effect in transition.effects:
                path = Path(inspect.getsourcefile(effect)).resolve().relative_to(ROOT).as_posix()
                found.setdefault(path, set()).add(effect.__name__)
    return found


def status_assignments(tree, fields):
    """(line, enclosing function, field) of every assignment of a status field: `x.status = …`,
    `x.a, x.status = …`, `qs.update(status=…)`, `setattr(x, "status", …)`."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            targets = child.targets if isinstance(child, ast.Assign) else \
                [child.target] if isinstance(child, (ast.AugAssign, ast.AnnAssign)) else []
            for target in targets:
                for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(element, ast.Attribute) and element.attr in fields:
                        found.append((child.lineno, function, element.attr))
            if isinstance(child, ast.Call):
                name = child.func.attr if isinstance(child.func, ast.Attribute) else getattr(child.func, "id", "")
                if name in ("update", "bulk_update"):
                    found.extend((child.lineno, function, kw.arg) for kw in child.keywords if kw.arg in fields)
                if name == "setattr" and len(child.args) > 1 and isinstance(child.args[1], ast.Constant) \
                        and child.args[1].value in fields:
                    found.append((child.lineno, function, child.args[1].value))
            visit(child, inner)

    visit(tree, "")
    return found


def test_no_code_outside_the_engine_assigns_a_status_field():
    fields = {"status"} | {w.status_attr for w in workflows()}
    assert {"filing", "offline_state", "run_status"} <= fields
    effects = effects_by_file()
    offending = []
    for path, tree in source_files():
        if path == "reviews/engine.py" or path in NOT_A_RECORD_STATE:
            continue
        for line, function, field in status_assignments(tree, fields):
            if function not in effects.get(path, set()):
                offending.append(f"{path}:{line} {function or '<module>'} assigns {field}")
    assert not offending, "state changes outside a declared transition:\n" + "\n".join(offending)


def test_the_scanner_sees_every_form_of_assignment():
    tree = ast.parse("def f(x, qs):\n    x.status = 1\n    x.a, x.filing = 1, 2\n    qs.update(run_status=3)\n"
                     "    setattr(x, 'status', 4)\n")
    assert [(line, field) for line, _, field in status_assignments(tree, {"status", "filing", "run_status"})] == [
        (2, "status"), (3, "filing"), (4, "run_status"), (5, "status")]


# --- the closed journal -----------------------------------------------------------------------

JOURNALING_CALLS = {"record", "_record_attempt", "change_password"}  # the functions passing a code on to record()


def _chosen_codes(function, path: str) -> dict[str, str]:
    """`action = "a" if … else "b"` in a function that passes `action` on to the journal."""
    passes = any(isinstance(call, ast.Call) and (
        any(isinstance(a, ast.Name) and a.id == "action" for a in call.args)
        or any(k.arg == "action" and isinstance(k.value, ast.Name) and k.value.id == "action" for k in call.keywords))
        and (call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")) in JOURNALING_CALLS
        for call in ast.walk(function))
    found = {}
    for node in ast.walk(function):
        if passes and isinstance(node, ast.Assign) and isinstance(node.value, ast.IfExp) \
                and any(isinstance(t, ast.Name) and t.id == "action" for t in node.targets):
            for branch in (node.value.body, node.value.orelse):
                if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                    found[branch.value] = f"{path}:{node.lineno}"
    return found


def codes_in_source() -> dict[str, str]:
    """Every literal action code the source passes to the journal: `record(obj, "code", …)`,
    `action="code"` keywords and defaults of parameters named `action` → where it is."""
    found = {}
    for path, tree in source_files():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in ("record", "_record_attempt"):
                    index = 1 if name == "record" else 0
                    if len(node.args) > index and isinstance(node.args[index], ast.Constant):
                        found[node.args[index].value] = f"{path}:{node.lineno}"
                for kw in node.keywords:  # change_password(user, pw, action="password_forgot") …
                    if kw.arg == "action" and isinstance(kw.value, ast.Constant) and name in JOURNALING_CALLS:
                        found[kw.value.value] = f"{path}:{node.lineno}"
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.update(_chosen_codes(node, path))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + node.args.defaults + node.args.kw_defaults
                for arg, default in zip(args, defaults):
                    if arg.arg == "action" and isinstance(default, ast.Constant) and default.value \
                            and isinstance(default.value, str):
                        found[default.value] = f"{path}:{node.lineno}"
    return found


def test_every_code_in_use_is_registered_with_a_chinese_label():
    workflows()
    in_use = codes_in_source()
    assert {"monitoring_to_sheet", "login_failure", "login_totp_failure", "password_change"} <= set(in_use)
    labels = journal.action_labels()
    missing = {code: where for code, where in in_use.items() if code not in journal.ACTIONS}
    assert not missing, f"codes passed to record() but not in journal.ACTIONS: {missing}"
    transitions = {t.name for w in WORKFLOWS for t in w.transitions}
    assert {"check_submit", "check_accept", "site_code_issue"} <= transitions <= set(labels)
    assert all(CHINESE.search(label) for label in labels.values()), [c for c, label in labels.items() if not CHINESE.search(label)]
    assert all(CHINESE.search(label) for label in journal.SUBJECT_TYPES.values())


def test_the_admin_filter_offers_every_action_in_use(users):
    workflows()
    request = RequestFactory().get("/")
    request.user = users["ops"]
    offered = dict(ActionFilter(request, {}, JournalEntry, JournalEntryAdmin).lookup_choices)
    in_use = set(codes_in_source()) | {t.name for w in WORKFLOWS for t in w.transitions}
    assert not in_use - set(offered), in_use - set(offered)
    assert offered["site_code_issue"] == "生成网站标识码" and offered["check_accept"] == "审核通过检查结果"


@pytest.mark.django_db
def test_record_refuses_an_unknown_code_or_subject_type(users):
    filer = users["filer"].filer_unit
    with pytest.raises(journal.UnknownAction):
        journal.record(filer, "filer_renamed", users["org"])  # a drifted spelling
    with pytest.raises(journal.UnknownAction):
        journal.record(None, "login_failure", subject_type="robot", subject_label="x")
    with pytest.raises(journal.UnknownAction):
        journal.record(Job(pk=1, title="导出"), "ops_edit", users["ops"])  # a model the registry does not know
    assert not JournalEntry.objects.filter(action="filer_renamed").exists()
    entry = journal.record(filer, "filer_rename", users["org"], before={"name": "甲"}, after={"name": "乙"})
    assert entry.action_label == "修改填报单位全称"
