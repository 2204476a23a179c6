"""Message catalogs (Fluent .ftl). Every user-facing string comes from here.

zh_CN is the default; en is complete too. A test fails when a key is in one and not the other.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fluent.runtime import FluentBundle, FluentResource

LOCALES_DIR = Path(__file__).parent
SUPPORTED = ("zh_CN", "en")
DEFAULT = "zh_CN"


def normalise(language: str | None, default: str = DEFAULT) -> str:
    """Map a platform's language code (zh-hans, zh-CN, en-US ...) to one of ours."""
    if not language:
        return default
    lowered = language.lower().replace("_", "-")
    if lowered.startswith("zh"):
        return "zh_CN"
    if lowered.startswith("en"):
        return "en"
    return default


@cache
def _bundle(locale: str) -> FluentBundle:
    # use_isolating=False: Telegram clients render the Unicode isolation marks as junk.
    bundle = FluentBundle([locale.replace("_", "-")], use_isolating=False)
    for path in sorted((LOCALES_DIR / locale).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return bundle


def message_ids(locale: str) -> set[str]:
    return set(_bundle(locale)._messages)


def t(locale: str | None, key: str, **args: object) -> str:
    locale = locale if locale in SUPPORTED else DEFAULT
    bundle = _bundle(locale)
    if not bundle.has_message(key):
        if locale != DEFAULT:
            return t(DEFAULT, key, **args)
        return key
    message = bundle.get_message(key)
    text, _errors = bundle.format_pattern(message.value, {k: _fluent(v) for k, v in args.items()})
    return text


def _fluent(value: object):
    # Fluent formats ints with locale grouping (1,234); numbers in our messages are ids and
    # counts that read better plain, so hand them over as strings unless they are plural keys.
    if isinstance(value, bool) or value is None:
        return str(value or "")
    return value
