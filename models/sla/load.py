"""Load sla_policy.yaml into an SlaPolicy, checking every key so a typo fails at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from functools import cache
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from models.categories import Category, load_categories
from models.sla.ladder import Escalation, Tier
from models.sla.load_calendar import read_calendar
from models.sla.parse import Reader, format_duration
from models.sla.rules import Deadlines, Rule, SlaPolicy
from models.sla.work_calendar import Calendar

DEFAULT_PATH = Path(__file__).with_name("sla_policy.yaml")
DEADLINE_KEYS = tuple(f.name for f in fields(Deadlines))
RULE_KEYS = {*DEADLINE_KEYS, "clock", "yellow_at", "margin", "ladder"}
TIERS = ("community", "street", "district")  # the area levels above a grid, lowest first
CARDS = {"yellow_card", "red_card"}  # 黄牌督办, 红牌督办


def load_policy(
    path: Path | None = None, categories: Iterable[Category] | None = None
) -> SlaPolicy:
    """Read and check the policy; raises PolicyError naming the file, the key and the problem.

    `categories` (default: categories.yaml) gives the known codes and which ones are urgent.
    """
    source = Path(path) if path else DEFAULT_PATH
    read = Reader(source.name)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise read.fail("(file)", f"cannot read {source}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise read.fail("(file)", f"not valid YAML: {exc}") from None
    raw = read.mapping(
        raw, "(top level)", {"timezone", "calendars", "defaults", "urgent", "categories"}
    )
    for key in ("timezone", "calendars", "defaults", "urgent"):
        if key not in raw:
            raise read.fail(key, "missing")
    try:
        tz = ZoneInfo(str(raw["timezone"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise read.fail("timezone", f"unknown time zone {raw['timezone']!r}") from None
    calendars = {
        str(name): read_calendar(read, spec, str(name), tz)
        for name, spec in read.mapping(raw["calendars"], "calendars").items()
    }
    known = tuple(categories) if categories is not None else load_categories()
    defaults = _block(read, raw["defaults"], "defaults", calendars)
    missing = sorted(RULE_KEYS - set(defaults))
    if missing:
        raise read.fail("defaults", f"missing {', '.join(missing)}")
    urgent = _block(read, raw["urgent"], "urgent", calendars)
    overrides = {}
    for code, block in read.mapping(raw.get("categories") or {}, "categories").items():
        if code not in {c.code for c in known}:
            codes = ", ".join(c.code for c in known)
            raise read.fail(f"categories.{code}", f"unknown category code; known: {codes}")
        overrides[code] = _block(read, block, f"categories.{code}", calendars)
    rules = {}
    for code, block in [(None, {}), *overrides.items()]:
        where = f"categories.{code}" if code else "defaults"
        rules[(code, False)] = _rule(read, {**defaults, **block}, where, calendars)
        merged = {**defaults, **block, **urgent}
        rules[(code, True)] = _rule(read, merged, f"urgent (over {where})", calendars)
    return SlaPolicy(
        timezone=tz,
        calendars=MappingProxyType(calendars),
        rules=MappingProxyType(rules),
        urgent_categories=frozenset(c.code for c in known if c.urgent),
    )


@cache
def default_policy() -> SlaPolicy:
    """models/sla/sla_policy.yaml, read once."""
    return load_policy()


def _block(read: Reader, raw: object, where: str, calendars: dict[str, Calendar]) -> dict:
    """The keys one block sets (defaults, urgent or one category), parsed."""
    block = read.mapping(raw, where, RULE_KEYS)
    parsed: dict = {}
    for key, value in block.items():
        path = f"{where}.{key}"
        if key in DEADLINE_KEYS or key == "margin":
            parsed[key] = read.duration(value, path)
        elif key == "yellow_at":
            parsed[key] = read.fraction(value, path)
        elif key == "clock":
            if value not in calendars:
                raise read.fail(path, f"{value!r}: no such calendar; have {', '.join(calendars)}")
            parsed[key] = value
        else:
            parsed[key] = _ladder(read, value, path)
    return parsed


def _ladder(read: Reader, raw: object, path: str) -> list[tuple[str, str | None, object]]:
    if not isinstance(raw, list):
        raise read.fail(path, "expected a list of tiers like {to: community}")
    steps, lowest = [], -1
    for i, item in enumerate(raw):
        entry = read.mapping(item, f"{path}[{i}]", {"to", "card", "after"})
        to, card = entry.get("to"), entry.get("card")
        if to not in TIERS or TIERS.index(to) <= lowest:
            raise read.fail(
                f"{path}[{i}].to", f"{to!r}: expected a level above the last, from {TIERS}"
            )
        if card is not None and card not in CARDS:
            raise read.fail(f"{path}[{i}].card", f"{card!r}: expected one of {sorted(CARDS)}")
        after = read.duration(entry["after"], f"{path}[{i}].after") if "after" in entry else None
        steps.append((to, card, after))
        lowest = TIERS.index(to)
    return steps


def _rule(read: Reader, merged: dict, where: str, calendars: dict[str, Calendar]) -> Rule:
    deadlines = Deadlines(**{key: merged[key] for key in DEADLINE_KEYS})
    wrong = deadlines.out_of_order()
    if wrong:
        (first, then), show = wrong, lambda key: f"{key} ({format_duration(merged[key])})"
        raise read.fail(
            where, f"{show(then)} falls before {show(first)}; need {' <= '.join(DEADLINE_KEYS)}"
        )
    tiers = tuple(
        Tier(to, merged["margin"] if after is None else after, card)
        for to, card, after in merged["ladder"]
    )
    return Rule(deadlines, calendars[merged["clock"]], Escalation(merged["yellow_at"], tiers))
