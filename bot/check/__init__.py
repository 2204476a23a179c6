"""`gridbot check`: the set-up as a checklist of ✓ / ⚠ / ✗ lines; exit 1 when a ✗ remains.

Each check is one small async function `(Checkup) -> list[Finding]` (bot/check/findings.py),
run in order: SETUP_CHECKS (setup.py), then ORG_CHECKS (org.py). To add one (a holiday
calendar's coverage, staff nobody can reach), write the function and append it to its list.
A check that needs the database returns [] when the database could not be opened: that
failure is already on the list, once.
"""

from __future__ import annotations

import asyncio

import typer

from bot.check.findings import MARKS, Check, Checkup, Finding, fail
from bot.check.org import ORG_CHECKS
from bot.check.setup import SETUP_CHECKS
from bot.errors import OperatorError


def _checks() -> list[Check]:
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
