"""`gridbot check`: the org. Tickets need a bound group, a worker and a leader in each grid,
and a hand-off needs a liaison in the department; missing ones are ⚠, no org at all is ✗."""

from __future__ import annotations

from bot.check.findings import Checkup, Finding, fail, listed, ok, warn


async def _grid_codes(session, *, without_role: str | None = None,
                      without_group: bool = False) -> list[str]:
    from sqlmodel import select

    from models.org import Area, AreaKind, ChatGroup, RoleAssignment

    query = select(Area.code).where(Area.kind == AreaKind.GRID).order_by(Area.code)
    if without_role:
        query = query.where(~Area.id.in_(select(RoleAssignment.area_id)
                                         .where(RoleAssignment.role == without_role)))
    if without_group:
        query = query.where(~Area.id.in_(select(ChatGroup.area_id)))
    return list((await session.exec(query)).all())


async def check_grids(checkup: Checkup) -> list[Finding]:
    if not checkup.notes.get("schema"):
        return []
    async with checkup.sessions() as session:
        grids = await _grid_codes(session)
        if not grids:
            return fail("no grids yet: import the org with `gridbot org import FILE` "
                        "/ 尚未导入网格")
        unbound = await _grid_codes(session, without_group=True)
        no_worker = await _grid_codes(session, without_role="worker")
        no_leader = await _grid_codes(session, without_role="leader")
    found = ok(f"{len(grids)} grids / 个网格, {len(grids) - len(unbound)} with a group "
               "/ 已绑定群")
    if unbound:
        found += warn(f"grids without a bound group (send /bind CODE in the group) "
                      f"/ 未绑定群的网格: {listed(unbound)}")
    if no_worker:
        found += warn(f"grids without a grid worker / 没有网格员的网格: {listed(no_worker)}")
    if no_leader:
        found += warn(f"grids without a grid leader / 没有网格长的网格: {listed(no_leader)}")
    return found


async def check_departments(checkup: Checkup) -> list[Finding]:
    from sqlmodel import select

    from models.org import Department, Role, RoleAssignment

    if not checkup.notes.get("schema"):
        return []
    async with checkup.sessions() as session:
        covered = select(RoleAssignment.department_id).where(
            RoleAssignment.role == Role.LIAISON, RoleAssignment.department_id.is_not(None))
        lonely = list((await session.exec(
            select(Department.code).where(~Department.id.in_(covered)).order_by(Department.code)
        )).all())
    if lonely:
        return warn(f"departments without a liaison (no hand-off possible) "
                    f"/ 没有联络员的部门: {listed(lonely)}")
    return ok("every department has a liaison / 各部门都有联络员")


UNREACHED_DAYS = 7


async def check_unreached_staff(checkup: Checkup) -> list[Finding]:
    """Staff-only messages (breaches, escalations, digests, emergencies) that no staff member
    could receive: they never go to a residents' group, so someone must start the bot or
    bind a staff group."""
    from collections import Counter
    from datetime import timedelta

    from handlers.routing import undeliverable_notices
    from models.clock import Clock
    from models.org import Area

    if not checkup.notes.get("schema"):
        return []
    since = Clock().now() - timedelta(days=UNREACHED_DAYS)
    async with checkup.sessions() as session:
        notices = await undeliverable_notices(session, since=since)
        per_area = Counter(notice.area_id for notice in notices)
        codes = {area.id: area.code for area in [
            await session.get(Area, area_id) for area_id in per_area]}
    if not notices:
        return ok(f"every staff message of the last {UNREACHED_DAYS} days reached someone "
                  "/ 工作消息均已送达")
    shown = [f"{codes[area_id]} ×{count}" for area_id, count in per_area.most_common()]
    return warn(f"{len(notices)} staff messages in the last {UNREACHED_DAYS} days reached "
                "nobody: their staff must start the bot privately, or bind a staff group with "
                f"`/bind CODE staff` / 近{UNREACHED_DAYS}天有工作消息无人接收: {listed(shown)}")


ORG_CHECKS = [check_grids, check_departments, check_unreached_staff]
