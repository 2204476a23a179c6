"""`gridbot check`: the set-up as a checklist of ✓ / ⚠ / ✗ lines; exit 1 when a ✗ remains.

Each check is one small async function `(Checkup) -> list[Finding]` in CHECKS, run in order.
To add one (a holiday calendar's coverage, staff nobody can reach), write the function and
append it to CHECKS. A check that needs the database returns [] when the database could not
be opened: that failure is already on the list, once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

import typer

from bot.errors import OperatorError

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


def _checks() -> list[Check]:
    from bot.check_org import ORG_CHECKS
    from bot.check_setup import SETUP_CHECKS

    return [*SETUP_CHECKS, *ORG_CHECKS]


async def run_all(checkup: Checkup, checks: list[Check]) -> list[Finding]:
    findings: list[Finding] = []
    try:
        for check in checks:
            try:
                found = await check(checkup)
            except OperatorError as exc:  # a check may say its finding as an OperatorError
                found = fail(str(exc))
            for finding in found:
                typer.echo(f"{MARKS[finding.status]} {finding.text}")
            findings += found
    finally:
        if checkup.engine is not None:
            await checkup.engine.dispose()
    return findings


def run_checks(overrides: dict) -> int:
    """Print the checklist; the exit status: 1 when something must be fixed, else 0."""
    checkup = Checkup({k: v for k, v in overrides.items() if v is not None})
    findings = asyncio.run(run_all(checkup, _checks()))
    failed = sum(f.status == "fail" for f in findings)
    warned = sum(f.status == "warn" for f in findings)
    typer.echo(f"{failed} to fix, {warned} to look at / 需修复 {failed} 项，需注意 {warned} 项")
    return 1 if failed else 0
