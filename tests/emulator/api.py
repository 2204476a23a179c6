"""Shared plumbing: the Bot API error type, the method registry, small helpers.

Every method implementation registers itself here under its official
camelCase name; the server looks names up case-insensitively, exactly like
api.telegram.org does (``/bot<token>/SENDMESSAGE`` works there too).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# lower-case name -> (official name, implementation)
METHODS: dict[str, tuple[str, Callable[..., Any]]] = {}


def api_method(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn(world, params)`` (sync or async) as Bot API method ``name``."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        METHODS[name.lower()] = (name, fn)
        return fn

    return deco


def canonical_name(name: str) -> str | None:
    entry = METHODS.get(name.lower())
    return entry[0] if entry else None


class ApiError(Exception):
    """An error answered in the official envelope ``{"ok": false, ...}``."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


def forbidden(text: str) -> ApiError:
    return ApiError(403, f"Forbidden: {text}")


# Default descriptions used by fault injection when a test gives none; they are
# the strings Telegram actually sends for these codes.
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected error",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: (
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running"
    ),
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def fault_error(status: int, retry_after: int | None, description: str | None) -> ApiError:
    if status == 429:
        retry_after = 1 if retry_after is None else retry_after
        return ApiError(
            429,
            description or f"Too Many Requests: retry after {retry_after}",
            {"retry_after": retry_after},
        )
    params = {"retry_after": retry_after} if retry_after is not None else None
    return ApiError(status, description or DEFAULT_DESCRIPTIONS.get(status, "Error"), params)


@dataclass
class WithDescription:
    """A successful result that also carries the optional ``description`` field
    (setWebhook/deleteWebhook answer ``"description": "Webhook was set"``)."""

    value: Any
    description: str


def now() -> int:
    """Bot API dates are UNIX seconds."""
    return int(time.time())


def utf16_len(text: str) -> int:
    """Entity offsets/lengths and text limits are counted in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
