"""Count the SQL statements and transactions an engine runs (bench/ingest.py and a test).

A SQLAlchemy event listener on the engine: every statement sent to the driver and every
transaction begun, by anyone using the engine. `trace=True` keeps the statements' text, to
see which ones a path sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class StatementCounter:
    statements: int = 0
    transactions: int = 0
    trace: bool = False
    seen: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.statements = self.transactions = 0
        self.seen.clear()

    def _on_statement(self, _conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            return  # SQLite's BEGIN IMMEDIATE is counted as the transaction, not a statement
        self.statements += 1
        if self.trace:
            self.seen.append(" ".join(statement.split())[:160])

    def _on_begin(self, _conn) -> None:
        self.transactions += 1


def count_statements(engine: AsyncEngine, trace: bool = False) -> StatementCounter:
    counter = StatementCounter(trace=trace)
    event.listen(engine.sync_engine, "before_cursor_execute", counter._on_statement)
    event.listen(engine.sync_engine, "begin", counter._on_begin)
    return counter


def stop_counting(engine: AsyncEngine, counter: StatementCounter) -> None:
    event.remove(engine.sync_engine, "before_cursor_execute", counter._on_statement)
    event.remove(engine.sync_engine, "begin", counter._on_begin)
