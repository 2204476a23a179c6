"""The command menu shown by Telegram clients, in each locale (strings from locales/)."""

from __future__ import annotations

import locales

COMMANDS = (
    "report", "ticket", "mytasks", "overdue", "escalate", "assign", "assist", "merge", "help",
    "cancel", "bind", "category", "start",
)


def command_list(locale: str) -> list[tuple[str, str]]:
    return [(name, locales.t(locale, f"command-{name}")) for name in COMMANDS]
