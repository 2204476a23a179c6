"""An org file once read: plain rows, each keeping the entry it came from for error lines."""

from __future__ import annotations

from dataclasses import dataclass

from models.org import AreaKind, Role
from models.org.entry import Entry


@dataclass
class AreaRow:
    entry: Entry
    code: str
    name: str
    kind: AreaKind
    parent: str | None


@dataclass
class DepartmentRow:
    entry: Entry | None  # None: one of the defaults, not from the file
    code: str
    name: str
    name_en: str


@dataclass
class RoleRow:
    entry: Entry
    role: Role
    area: str
    department: str | None


@dataclass
class MemberRow:
    entry: Entry
    name: str
    platform: str
    user_id: str
    locale: str | None
    roles: list[RoleRow]


@dataclass
class OrgSpec:
    areas: list[AreaRow]
    departments: list[DepartmentRow] | None  # None: the file did not say; use the defaults
    members: list[MemberRow]
