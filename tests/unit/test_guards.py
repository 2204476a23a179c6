"""Guards on the shape of the code: no framework in the core, complete catalogs, and a
lifecycle table that hangs together. All in memory: no database."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import locales
from handlers import callbacks
from models.categories import category_codes
from models.lifecycle import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Capacity,
    DomainError,
    IllegalTransition,
    NotPermitted,
    Status,
    allowed_actions,
    next_status,
)
from models.org import Role

ROOT = Path(__file__).resolve().parents[2]
CORE = ("models", "handlers")
FRAMEWORKS = {"aiogram", "telegram", "fastapi", "starlette", "aiohttp"}
KEY = re.compile(r"^[a-z]+(-[a-z0-9_]+)+$")
# Calls whose string arguments are catalog keys.
KEY_TAKERS = {"tr", "t", "DomainError", "IllegalTransition", "NotPermitted", "reach", "_ask",
              "tell_reporters"}


def _sources(*packages: str) -> list[Path]:
    files = [p for pkg in packages for p in sorted((ROOT / pkg).rglob("*.py"))]
    assert len(files) > 10, files  # the walk found the code, so the guards below mean something
    return files


def _imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


# ---- (a) the core imports no messenger or web framework ------------------------------------


def test_import_scanner_sees_imports_inside_functions():
    tree = ast.parse("import os\ndef f():\n    from aiogram.types import Message\n"
                     "    import telegram.ext as te\n")
    assert _imported_roots(tree) == {"os", "aiogram", "telegram"}


def test_core_imports_no_framework():
    offenders = {}
    for path in _sources(*CORE):
        found = _imported_roots(ast.parse(path.read_text(encoding="utf-8"))) & FRAMEWORKS
        if found:
            offenders[str(path.relative_to(ROOT))] = sorted(found)
    assert offenders == {}


# ---- (b) the catalogs ----------------------------------------------------------------------


def test_locales_have_the_same_keys():
    zh, en = locales.message_ids("zh_CN"), locales.message_ids("en")
    assert len(zh) > 100
    assert zh - en == set() and en - zh == set()


def _required_keys() -> set[str]:
    keys = {f"status-{s.value}" for s in Status}
    keys |= {f"category-{code}" for code in category_codes()}
    keys |= {f"rating-{level}" for level in range(1, 5)}
    keys |= {f"role-{r.value}" for r in Role}
    keys |= {f"action-{a.value}" for a in Action} | {"action-report", "action-category"}
    keys |= {f"button-{a}" for a in callbacks.TICKET_ACTIONS}
    keys |= {"answer-take", "answer-site"}  # built as f"answer-{verb}" for the direct verbs
    return keys


@pytest.mark.parametrize("locale", locales.SUPPORTED)
def test_every_enumerated_key_exists(locale):
    missing = _required_keys() - locales.message_ids(locale)
    assert missing == set()


def _literal_keys() -> dict[str, str]:
    """Every kebab-case literal handed to tr()/DomainError() (and helpers taking a key)."""
    keys: dict[str, str] = {}
    for path in _sources("handlers"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in KEY_TAKERS:
                continue
            for arg in node.args:
                for inner in ast.walk(arg):
                    if (isinstance(inner, ast.Constant) and isinstance(inner.value, str)
                            and KEY.match(inner.value)):
                        keys[inner.value] = f"{path.name}:{inner.lineno}"
    return keys


def test_literal_keys_scan_finds_the_known_ones():
    found = _literal_keys()
    for key in ("error-stale-button", "card-title", "reject-notice", "resolve-ask",
                "help-staff", "help-resident", "error-internal", "rate-ask"):
        assert key in found


@pytest.mark.parametrize("locale", locales.SUPPORTED)
def test_every_literal_key_in_handlers_exists(locale):
    ids = locales.message_ids(locale)
    missing = {key: where for key, where in _literal_keys().items() if key not in ids}
    assert missing == {}


def test_missing_key_would_show_as_the_key_itself():
    # What the guards above protect against: an unknown key renders as itself to the user.
    assert locales.t("zh_CN", "no-such-key") == "no-such-key"
    assert locales.t("en", "error-stale-button") != "error-stale-button"


# ---- (c) the lifecycle table ---------------------------------------------------------------


def _reachable_from(start: Status) -> set[Status]:
    seen, todo = {start}, [start]
    while todo:
        current = todo.pop()
        for (source, _action), (target, _who) in TRANSITIONS.items():
            if source == current and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_every_status_is_reachable_from_new():
    assert _reachable_from(Status.NEW) == set(Status)


def test_final_statuses_have_no_way_out():
    assert FINAL_STATUSES == {Status.CLOSED, Status.REJECTED, Status.DUPLICATE}
    leaving = [(s, a) for (s, a) in TRANSITIONS if s in FINAL_STATUSES]
    assert leaving == []
    for status in FINAL_STATUSES:
        for action in Action:
            with pytest.raises(IllegalTransition):
                next_status(status, action, set(Capacity))


def test_open_and_final_do_not_overlap_and_every_open_status_can_end():
    assert not OPEN_STATUSES & FINAL_STATUSES
    for status in OPEN_STATUSES:
        assert _reachable_from(status) & FINAL_STATUSES, status


def test_every_rule_names_someone_who_may_use_it():
    for (source, action), (target, who) in TRANSITIONS.items():
        assert who, (source, action)
        assert next_status(source, action, set(who)) == target


def test_illegal_transition_is_a_domain_error_with_a_sentence():
    with pytest.raises(IllegalTransition) as caught:
        next_status(Status.CLOSED, Action.TAKE, {Capacity.STAFF})
    assert isinstance(caught.value, DomainError)
    assert caught.value.key == "error-illegal-transition"
    assert caught.value.args_ == {"status": "closed", "action": "take"}
    assert "error" not in locales.t("zh_CN", caught.value.key)


def test_not_permitted_when_the_rule_exists_but_the_person_may_not():
    with pytest.raises(NotPermitted) as caught:
        next_status(Status.NEW, Action.TAKE, {Capacity.REPORTER})
    assert caught.value.key == "error-not-permitted"
    with pytest.raises(NotPermitted):
        next_status(Status.RESOLVED, Action.RATE_PASS, {Capacity.STAFF, Capacity.SUPERVISOR})
    with pytest.raises(NotPermitted):
        next_status(Status.NEW, Action.TAKE, set())


@pytest.mark.parametrize(
    ("current", "action", "capacities", "expected"),
    [
        (Status.NEW, Action.TAKE, {Capacity.STAFF}, Status.TAKEN),
        (Status.NEW, Action.RESOLVE, {Capacity.STAFF}, Status.RESOLVED),  # 即知即办
        (Status.TAKEN, Action.ARRIVE, {Capacity.HOLDER}, Status.ON_SITE),
        (Status.TAKEN, Action.ARRIVE, {Capacity.SUPERVISOR}, Status.ON_SITE),
        (Status.RESOLVED, Action.RATE_FAIL, {Capacity.REPORTER}, Status.REOPENED),
        (Status.RESOLVED, Action.RATE_PASS, {Capacity.REPORTER}, Status.RATED),
        (Status.RATED, Action.CLOSE, {Capacity.SYSTEM}, Status.CLOSED),
        (Status.REOPENED, Action.TAKE, {Capacity.SUPERVISOR}, Status.TAKEN),
        (Status.NEW, Action.DISPATCH, {Capacity.STAFF}, Status.TAKEN),
        ("new", Action.REJECT, {Capacity.STAFF}, Status.REJECTED),
    ],
)
def test_documented_transitions(current, action, capacities, expected):
    assert next_status(current, action, capacities) == expected


@pytest.mark.parametrize(
    ("current", "action", "capacities", "error"),
    [
        (Status.TAKEN, Action.TAKE, {Capacity.STAFF}, IllegalTransition),
        (Status.NEW, Action.ARRIVE, {Capacity.STAFF}, IllegalTransition),
        (Status.RESOLVED, Action.RESOLVE, {Capacity.HOLDER}, IllegalTransition),
        (Status.TAKEN, Action.ARRIVE, {Capacity.STAFF}, NotPermitted),  # not the holder
        (Status.REOPENED, Action.TAKE, {Capacity.STAFF}, NotPermitted),  # a leader reassigns
        (Status.RESOLVED, Action.RATE_PASS, {Capacity.HOLDER}, NotPermitted),
        (Status.NEW, Action.CLOSE, {Capacity.SYSTEM}, IllegalTransition),
    ],
)
def test_documented_refusals(current, action, capacities, error):
    with pytest.raises(error):
        next_status(current, action, capacities)


def test_unknown_status_is_not_silently_accepted():
    with pytest.raises(ValueError):
        next_status("lost", Action.TAKE, {Capacity.STAFF})


def test_allowed_actions_agree_with_next_status():
    for status in Status:
        for size in range(len(Capacity) + 1):
            for caps in _capacity_sets(size):
                allowed = set(allowed_actions(status, caps))
                for action in Action:
                    try:
                        next_status(status, action, caps)
                        assert action in allowed, (status, action, caps)
                    except DomainError:
                        assert action not in allowed, (status, action, caps)


def _capacity_sets(size: int):
    from itertools import combinations

    return [set(c) for c in combinations(list(Capacity), size)]


# ---- (d) property: any sequence of presses keeps the ticket in a known status ---------------

steps = st.lists(
    st.tuples(st.sampled_from(list(Action)), st.sets(st.sampled_from(list(Capacity)))),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(steps)
def test_random_sequences_stay_in_the_table(sequence):
    status = Status.NEW
    for action, capacities in sequence:
        try:
            target = next_status(status, action, capacities)
        except (IllegalTransition, NotPermitted):
            continue
        assert status not in FINAL_STATUSES, f"left final {status} by {action}"
        assert (status, action) in TRANSITIONS
        assert capacities & TRANSITIONS[(status, action)][1]
        status = target
        assert isinstance(status, Status) and status in set(Status)
    if status in FINAL_STATUSES:
        for action in Action:
            with pytest.raises(IllegalTransition):
                next_status(status, action, set(Capacity))
