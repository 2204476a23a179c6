"""Mistakes an operator must fix, each said in one sentence.

Raised anywhere during start-up (settings, database, SLA policy, the Telegram connection, a
port); the CLI prints the sentence to stderr and exits non-zero with no traceback (the
traceback only with GRIDBOT_LOG_LEVEL=DEBUG). The people who read these are street-office
admins, not Python developers.
"""

from __future__ import annotations


class OperatorError(RuntimeError):
    """One sentence that says what is wrong and what to do; exit status `exit_code`."""

    exit_code = 2

    def __init__(self, sentence: str, exit_code: int | None = None) -> None:
        super().__init__(sentence)
        if exit_code is not None:
            self.exit_code = exit_code
