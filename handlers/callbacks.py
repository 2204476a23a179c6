"""Button payloads: short ids under Telegram's 64-byte limit, never trusted as authority.

A payload only says which ticket and which action was meant. Who pressed it, and whether
they may, is checked against the database on every press.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.lifecycle import DomainError

TICKET_ACTIONS = ("take", "site", "done", "disp", "rej")
# Ids are INTEGER columns: a forged larger number must not reach the driver (it would overflow).
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Payload:
    kind: str
    parts: tuple[str, ...]

    def int_at(self, index: int) -> int:
        """A row id: plain ASCII digits that fit the 32-bit id columns, else a stale button."""
        part = self.parts[index] if index < len(self.parts) else ""
        if not (part.isascii() and part.isdigit()) or int(part) > MAX_ID:
            raise DomainError("error-stale-button")
        return int(part)


def ticket_action(action: str, ticket_id: int) -> str:
    return f"tk:{action}:{ticket_id}"


def rating(ticket_id: int, level: int) -> str:
    return f"rt:{ticket_id}:{level}"


def draft(choice: str, draft_id: int) -> str:
    return f"dr:{choice}:{draft_id}"


def private_report(step: str, arg: str | int = "") -> str:
    return f"pr:{step}:{arg}"


def dispatch_to(ticket_id: int, department_id: int) -> str:
    return f"dp:{ticket_id}:{department_id}"


def skip_step() -> str:
    return "cv:skip:"


def step_button(verb: str) -> str:
    """A button of the open conversation ([完成] is "cv:done:")."""
    return f"cv:{verb}:"


def parse(data: str) -> Payload:
    if not data or len(data.encode()) > 64 or ":" not in data:
        raise DomainError("error-stale-button")
    kind, *parts = data.split(":")
    return Payload(kind, tuple(parts))
