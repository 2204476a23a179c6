"""What a check returns: findings (✓ fine, ⚠ look at it, ✗ must be fixed) and what checks share.

Below the runner (bot/check/__init__.py) and the checks (setup.py, org.py), which all use it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["ok", "warn", "fail"]
MARKS = {"ok": "✓", "warn": "⚠", "fail": "✗"}


@dataclass
class Finding:
    status: Status
    text: str


@dataclass
class Checkup:
    """What the checks share: the settings and, once opened, the database."""

    overrides: dict
    settings: object | None = None
    engine: object | None = None
    sessions: object | None = None
    notes: dict = field(default_factory=dict)


def ok(text: str) -> list[Finding]:
    return [Finding("ok", text)]


def warn(text: str) -> list[Finding]:
    return [Finding("warn", text)]


def fail(text: str) -> list[Finding]:
    return [Finding("fail", text)]


def listed(codes: list[str], most: int = 8) -> str:
    shown = ", ".join(codes[:most])
    return shown + (f" … (+{len(codes) - most})" if len(codes) > most else "")


Check = Callable[[Checkup], Awaitable[list[Finding]]]
