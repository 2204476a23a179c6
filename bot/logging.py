"""Logging for a service: one line per event on stderr, ours and the libraries' alike.

structlog renders both our events and the standard-library records of aiogram, PTB, httpx,
APScheduler and uvicorn, so GRIDBOT_LOG_LEVEL and GRIDBOT_LOG_FORMAT govern all of them.
Two rules hold for every line: no secrets (the bot token rides in every Bot API URL as
/bot<TOKEN>/, and httpx logs those URLs at INFO), and tracebacks as plain text without local
variables (rich's locals print residents' texts and names, thousands of lines each, and take
seconds of the event loop to render).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

import structlog

REDACTED = "<redacted>"
# /bot<TOKEN>/ and /file/bot<TOKEN>/ in Bot API URLs, whatever the token looks like.
_URL_TOKEN = re.compile(r"(/bot)[^/\s\"']+(?=/)")
# A bare token anywhere: digits, a colon, 30+ URL-safe characters (@BotFather's shape).
_BARE_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")


class Redactor:
    """A structlog processor that removes secrets from every string value of an event."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = _URL_TOKEN.sub(rf"\1{REDACTED}", text)
        return _BARE_TOKEN.sub(REDACTED, text)

    def __call__(self, _logger, _name, event_dict: dict) -> dict:
        for key, value in event_dict.items():
            if isinstance(value, str):
                event_dict[key] = self.scrub(value)
            elif not isinstance(value, int | float | bool | type(None)):
                event_dict[key] = self.scrub(str(value))
        return event_dict


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test runner swaps it per command)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(level: str = "INFO", fmt: str = "console",
                      secrets: Iterable[str] = ()) -> None:
    """Route structlog and the standard library through one renderer on stderr."""
    redact = Redactor(secrets)
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=False,
    )
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False) if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False, pad_event_to=0,
                                           exception_formatter=structlog.dev.plain_traceback)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # Tracebacks become plain text here (no locals), before the redactor sees them.
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
    )
    handler = _StderrHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    # Replace our own handler when called again; leave others (a test's capture) alone.
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's access log would list every webchat request, person ids in the query string.
    logging.getLogger("uvicorn.access").setLevel(max(logging.WARNING, root.level))
    # Alembic lists its seven plugins at INFO on every start; noise, not events.
    logging.getLogger("alembic.runtime.plugins").setLevel(max(logging.WARNING, root.level))
