"""How the rows of an org file must fit together, and with what is already stored.

A child sits exactly one level below its parent (district → street → community → grid →
building); codes are unique; a parent is in the file or already in the store. An existing area
keeps its place: a different kind or parent is an error, because tickets and groups hang off
it and moving one should be a deliberate act, not a side effect of an import. A root row
naming no parent leaves an existing area where it is.
"""

from __future__ import annotations

from models.org import AREA_LEVEL, Area, AreaKind
from models.org.entry import Entry
from models.org.spec import AreaRow, OrgSpec


def _unique(keyed: list[tuple[object, Entry]], what: str, zh: str) -> None:
    first_line: dict = {}
    for key, entry in keyed:
        first = first_line.setdefault(key, entry.line)
        if first != entry.line:
            raise entry.fail(None, f"duplicate {what} {key} (first at line {first}) "
                                   f"/ {zh}重复")


def check_no_duplicates(spec: OrgSpec) -> None:
    _unique([(d.code, d.entry) for d in spec.departments or []], "department code", "部门编码")
    _unique([(r.code, r.entry) for r in spec.areas], "area code", "区域编码")
    _unique([(f"{r.platform}:{r.user_id}", r.entry) for r in spec.members], "member", "成员")


def check_tree(rows: list[AreaRow], stored: dict[str, Area], by_id: dict[int, Area]) -> None:
    in_file = {row.code: row for row in rows}
    for row in rows:
        if row.parent:
            parent_kind = (in_file[row.parent].kind if row.parent in in_file
                           else stored[row.parent].kind if row.parent in stored else None)
            if parent_kind is None:
                raise row.entry.fail("parent", f"unknown parent area {row.parent} "
                                               "/ 上级区域不存在")
            if AREA_LEVEL[AreaKind(parent_kind)] + 1 != AREA_LEVEL[row.kind]:
                raise row.entry.fail("kind", f"a {row.kind} cannot sit directly under the "
                                             f"{parent_kind} {row.parent} (district → street → "
                                             "community → grid → building) / 层级不对")
        old = stored.get(row.code)
        old_parent = by_id[old.parent_id].code if old and old.parent_id else None
        if old and (old.kind != row.kind or (row.parent and row.parent != old_parent)):
            raise row.entry.fail("code", f"code {row.code} is already used by another area: "
                                         f"{old.name} ({old.kind} under {old_parent or '-'}) "
                                         "/ 编码已被其他区域使用")


def check_roles(spec: OrgSpec, areas: set[str], departments: set[str]) -> None:
    """Every role names an area and (for a liaison) a department in the file or the store."""
    for member in spec.members:
        for role in member.roles:
            if role.area not in areas:
                raise role.entry.fail("area", f"unknown area {role.area} / 区域不存在")
            if role.department and role.department not in departments:
                raise role.entry.fail("department", f"unknown department {role.department} "
                                                    "/ 部门不存在")
