"""Counting what code asks the database: statements, transactions and commits, on one engine.

A SQLAlchemy event listener on the engine sees every statement sent to the driver, by anyone
using it. `count_statements`/`stop_counting` suit a benchmark that counts across a whole run
(bench/ingest.py); `watch` is the same counter as a context manager that keeps each
statement's text, for tests that ask which tables a path touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class StatementCounter:
    statements: int = 0
    transactions: int = 0
    commits: int = 0
    trace: bool = False
    seen: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.statements = self.transactions = self.commits = 0
        self.seen.clear()

    def touching(self, table: str) -> list[str]:
        """The traced statements that name `table`."""
        return [s for s in self.seen if f" {table}" in s.lower()]

    def _on_statement(self, _conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            return  # SQLite's BEGIN IMMEDIATE is counted as the transaction, not a statement
        self.statements += 1
        if self.trace:
            self.seen.append(" ".join(statement.split()))

    def _on_begin(self, _conn) -> None:
        self.transactions += 1

    def _on_commit(self, _conn) -> None:
        self.commits += 1


def count_statements(engine: AsyncEngine, trace: bool = False) -> StatementCounter:
    counter = StatementCounter(trace=trace)
    sync = engine.sync_engine
    event.listen(sync, "before_cursor_execute", counter._on_statement)
    event.listen(sync, "begin", counter._on_begin)
    event.listen(sync, "commit", counter._on_commit)
    return counter


def stop_counting(engine: AsyncEngine, counter: StatementCounter) -> None:
    sync = engine.sync_engine
    event.remove(sync, "before_cursor_execute", counter._on_statement)
    event.remove(sync, "begin", counter._on_begin)
    event.remove(sync, "commit", counter._on_commit)


@contextmanager
def watch(engine: AsyncEngine) -> Iterator[StatementCounter]:
    counter = count_statements(engine, trace=True)
    try:
        yield counter
    finally:
        stop_counting(engine, counter)


def engine_of(deps) -> AsyncEngine:
    return deps.session_factory.kw["bind"]
