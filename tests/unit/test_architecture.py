"""The shape of the import graph: no cycle anywhere, the conversation registry complete, and
the layer contracts of pyproject.toml kept (docs/ARCHITECTURE.md).

grimp (import-linter's graph library) reads every import, also those inside functions: a late
import is not a way around a cycle.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

PACKAGES = ("bot", "handlers", "models", "scheduler", "web", "locales")
ROOT = Path(__file__).resolve().parents[2]


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm, iterative (a deep import chain must not hit the recursion limit):
    the groups of two or more modules that import each other, directly or through others."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.find_modules_directly_imported_by(nxt)))))
                    break
                if nxt in on_stack:
                    low[module] = min(low[module], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def one_cycle(graph: grimp.ImportGraph, group: list[str]) -> list[str]:
    """A concrete cycle through the group's first module, to print: a → … → a."""
    start = group[0]
    for nxt in sorted(graph.find_modules_directly_imported_by(start)):
        if nxt in group:
            back = graph.find_shortest_chain(importer=nxt, imported=start)
            if back:
                return [start, *back]
    return group


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    return [one_cycle(graph, group) for group in strongly_connected(graph)]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_no_import_cycle_anywhere(graph):
    cycles = import_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle_and_names_its_path():
    # The finder itself, on a made-up graph: a three-module cycle beside an innocent chain,
    # and a two-module one (a late import inside a function is just an import to grimp).
    made_up = grimp.ImportGraph()
    for importer, imported in [("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "b.w"),
                               ("b.w", "b.v"), ("c.p", "c.q"), ("c.q", "c.p")]:
        made_up.add_import(importer=importer, imported=imported)
    assert import_cycles(made_up) == [["a.x", "a.y", "a.z", "a.x"], ["c.p", "c.q", "c.p"]]


def test_the_cycle_finder_sees_no_cycle_in_a_tree():
    made_up = grimp.ImportGraph()
    for importer, imported in [("a.x", "a.y"), ("a.x", "a.z"), ("a.y", "a.z")]:
        made_up.add_import(importer=importer, imported=imported)
    assert import_cycles(made_up) == []


def test_every_conversation_a_journey_starts_has_its_continuation_registered():
    # The router imports every journey, and each registers its conversation kind at import:
    # a kind left out would end that person's conversation at their next message.
    import handlers.router  # noqa: F401  (registers them all)
    from handlers import conversations

    assert conversations.registered_kinds() == {"report", "extras", "resolve", "reject",
                                                 "return"}


def test_a_conversation_kind_claimed_by_two_journeys_is_refused():
    from handlers import conversations
    from handlers.casework.task import continue_reject

    conversations.register("reject", continue_reject)  # the same claim again is harmless
    with pytest.raises(ValueError, match="'reject' is registered twice"):
        conversations.register("reject", conversations.cancel_command)


def test_the_layer_contracts_in_pyproject_are_kept():
    # The same check as `lint-imports` in `make test`, so a plain pytest run sees it too. In
    # its own process: import-linter configures logging (dictConfig), which would silence the
    # library loggers that tests/unit/test_logging.py listens to.
    probe = ("from importlinter.cli import lint_imports; "
             "raise SystemExit(lint_imports(no_cache=True))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
