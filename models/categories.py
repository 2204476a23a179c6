"""Guess a report's category from its words, using the data table in categories.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

OTHER = "other"


@dataclass(frozen=True)
class Category:
    code: str
    urgent: bool
    department: str | None
    keywords: tuple[str, ...]


@cache
def load_categories(path: Path | None = None) -> tuple[Category, ...]:
    source = path or Path(__file__).with_name("categories.yaml")
    rows = yaml.safe_load(source.read_text(encoding="utf-8"))["categories"]
    return tuple(
        Category(
            code=row["code"],
            urgent=bool(row.get("urgent", False)),
            department=row.get("department"),
            keywords=tuple(str(k).lower() for k in row.get("keywords") or ()),
        )
        for row in rows
    )


def category_codes() -> tuple[str, ...]:
    return tuple(c.code for c in load_categories())


def guess_category(text: str) -> Category | None:
    """The first category whose keyword occurs in the text, or None when nothing matches."""
    lowered = (text or "").lower()
    for category in load_categories():
        if any(keyword in lowered for keyword in category.keywords):
            return category
    return None


def category_by_code(code: str) -> Category:
    for category in load_categories():
        if category.code == code:
            return category
    raise KeyError(code)


def looks_like_a_problem(text: str) -> bool:
    return guess_category(text) is not None
