"""Counting what a piece of code asks the database: statements and commits, on one engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event


@dataclass
class Seen:
    statements: list[str] = field(default_factory=list)
    commits: int = 0

    def touching(self, table: str) -> list[str]:
        return [s for s in self.statements if f" {table}" in s.lower()]


def engine_of(deps):
    return deps.session_factory.kw["bind"]


@contextmanager
def watch(engine) -> Iterator[Seen]:
    seen = Seen()

    def on_statement(_conn, _cursor, statement, _parameters, _context, _many):
        seen.statements.append(statement)

    def on_commit(_conn):
        seen.commits += 1

    sync = engine.sync_engine
    event.listen(sync, "before_cursor_execute", on_statement)
    event.listen(sync, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(sync, "before_cursor_execute", on_statement)
        event.remove(sync, "commit", on_commit)
