"""Import an org file (the area tree, departments, known staff) into the store.

The file format is described in models/org/file.py, its rules in models/org/rules.py.

Everything is checked before anything is written, and written in one transaction, so a bad
file imports nothing. Re-importing is idempotent: areas and departments are matched by code,
members by (platform, user_id), and roles are only added when missing, never removed.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from models.clock import Clock
from models.org import AREA_LEVEL, Area, Department, Member, RoleAssignment
from models.org.departments import DEFAULT_DEPARTMENTS, default_departments, unrouted_warnings
from models.org.entry import OrgFileError
from models.org.file import read_org_file
from models.org.rules import check_roles, check_tree
from models.org.spec import AreaRow, DepartmentRow, MemberRow, OrgSpec
from models.org.summary import ImportSummary, Tally

# The names callers import from here, wherever they are defined.
__all__ = ["DEFAULT_DEPARTMENTS", "ImportSummary", "OrgFileError", "import_org", "store_org"]


async def _write_areas(session, rows: list[AreaRow], stored: dict[str, Area], tally: Tally):
    # Parents first: a level's ids must exist before the next level can point at them.
    for level in sorted({AREA_LEVEL[row.kind] for row in rows}):
        for row in (r for r in rows if AREA_LEVEL[r.kind] == level):
            area = stored.get(row.code)
            if area is None:
                parent_id = stored[row.parent].id if row.parent else None
                area = Area(code=row.code, name=row.name, kind=row.kind.value,
                            parent_id=parent_id)
                stored[row.code] = area
                tally.created += 1
            elif area.name != row.name:
                area.name = row.name
                tally.updated += 1
            else:
                tally.unchanged += 1
            session.add(area)
        await session.flush()


async def _write_departments(session, rows: list[DepartmentRow], stored: dict[str, Department],
                             tally: Tally, overwrite: bool) -> None:
    for row in rows:
        old = stored.get(row.code)
        if old is None:
            stored[row.code] = Department(code=row.code, name=row.name, name_en=row.name_en)
            session.add(stored[row.code])
            tally.created += 1
        elif overwrite and (old.name, old.name_en) != (row.name, row.name_en):
            # Defaults never overwrite: a deployment may have renamed its departments.
            old.name, old.name_en = row.name, row.name_en
            session.add(old)
            tally.updated += 1
        else:
            tally.unchanged += 1
    await session.flush()


async def _write_member(session, row: MemberRow, areas, departments, now, summary) -> None:
    member = (await session.exec(select(Member).where(
        Member.platform == row.platform, Member.platform_user_id == row.user_id))).first()
    if member is None:
        member = Member(platform=row.platform, platform_user_id=row.user_id,
                        display_name=row.name, locale=row.locale, created_at=now)
        summary.members.created += 1
    elif (member.display_name, member.locale) != (row.name, row.locale or member.locale):
        member.display_name, member.locale = row.name, row.locale or member.locale
        summary.members.updated += 1
    else:
        summary.members.unchanged += 1
    session.add(member)
    await session.flush()
    for role in row.roles:
        area_id = areas[role.area].id
        department_id = departments[role.department].id if role.department else None
        found = (await session.exec(select(RoleAssignment.id).where(
            RoleAssignment.member_id == member.id, RoleAssignment.role == role.role.value,
            RoleAssignment.area_id == area_id,
            RoleAssignment.department_id == department_id))).first()  # None → IS NULL
        if found is None:
            session.add(RoleAssignment(member_id=member.id, role=role.role.value, area_id=area_id,
                                       department_id=department_id))
            await session.flush()  # the next role of the file may be the same one
            summary.roles.created += 1
        else:
            summary.roles.unchanged += 1


async def store_org(session, spec: OrgSpec, now) -> ImportSummary:
    """Check `spec` against what is stored, then write it. The caller owns the transaction."""
    summary = ImportSummary()
    # An org is thousands of rows at most, so reading it whole is simpler than many lookups.
    stored_areas = {a.code: a for a in (await session.exec(select(Area))).all()}
    by_id = {a.id: a for a in stored_areas.values()}
    stored_departments = {d.code: d for d in (await session.exec(select(Department))).all()}
    departments = default_departments() if spec.departments is None else spec.departments
    check_tree(spec.areas, stored_areas, by_id)
    check_roles(spec, set(stored_areas) | {r.code for r in spec.areas},
                set(stored_departments) | {d.code for d in departments})

    await _write_areas(session, spec.areas, stored_areas, summary.areas)
    await _write_departments(session, departments, stored_departments, summary.departments,
                             overwrite=spec.departments is not None)
    for member in spec.members:
        await _write_member(session, member, stored_areas, stored_departments, now, summary)
    summary.warnings = unrouted_warnings(set(stored_departments))
    return summary


async def import_org(session_factory, path: Path, *, clock: Clock | None = None) -> ImportSummary:
    """Import the file in one transaction: on any error nothing is kept, and the error rises."""
    spec = read_org_file(Path(path))
    async with session_factory() as session, session.begin():
        return await store_org(session, spec, (clock or Clock()).now())
