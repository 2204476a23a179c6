"""Departments on a ticket: who answers a grid, and the lead/helper rows (大事合办、难事协办).

One TicketDepartment row per department and ticket, re-used: a department that hands a ticket
back or is replaced keeps its row, marked, so the record shows who had it.
"""

from __future__ import annotations

from sqlmodel import select

from handlers.context import Ctx
from handlers.members import area_chain
from models.categories import load_categories
from models.org import Department, Member, Role, RoleAssignment
from models.ticket import Ticket, TicketDepartment

# lead: closes it; helper: sees it; former: replaced by another lead; returned: sent it back.
LEAD, HELPER, FORMER, RETURNED = "lead", "helper", "former", "returned"


def department_label(locale: str, department: Department) -> str:
    return department.name if locale == "zh_CN" else (department.name_en or department.name)


def recommended_code(ticket: Ticket) -> str | None:
    """The category's default department (categories.yaml `department:`)."""
    return next((c.department for c in load_categories() if c.code == ticket.category), None)


async def covered_departments(ctx: Ctx, grid_id: int) -> set[int]:
    """Departments that have a liaison for this grid or an area above it."""
    rows = await ctx.session.exec(
        select(RoleAssignment.department_id).where(
            RoleAssignment.role == Role.LIAISON,
            RoleAssignment.area_id.in_(await area_chain(ctx, grid_id)),
            RoleAssignment.department_id.is_not(None),
        )
    )
    return set(rows.all())


async def liaison_for(ctx: Ctx, department_id: int, grid_id: int) -> Member | None:
    """The department's liaison nearest the grid: a community's before the street's."""
    for area_id in await area_chain(ctx, grid_id):
        liaison = (
            await ctx.session.exec(
                select(Member)
                .join(RoleAssignment, RoleAssignment.member_id == Member.id)
                .where(RoleAssignment.role == Role.LIAISON, RoleAssignment.area_id == area_id,
                       RoleAssignment.department_id == department_id)
                .order_by(Member.id)
            )
        ).first()
        if liaison is not None:
            return liaison
    return None


async def departments_on(ctx: Ctx, ticket_id: int) -> list[TicketDepartment]:
    if (known := ctx.memo.get(("departments", ticket_id))) is not None:  # preload_departments
        return known
    rows = await ctx.session.exec(
        select(TicketDepartment).where(TicketDepartment.ticket_id == ticket_id)
        .order_by(TicketDepartment.id)
    )
    return list(rows.all())


async def preload_departments(ctx: Ctx, ticket_ids: list[int]) -> None:
    """departments_on for many tickets, with their departments and liaisons in the session:
    a batch job that only reads them (the SLA sweep re-rendering cards) asks three times,
    not three times per ticket. Not for a transaction that changes them."""
    found: dict[int, list[TicketDepartment]] = {ticket_id: [] for ticket_id in ticket_ids}
    rows = (await ctx.session.exec(select(TicketDepartment).where(
        TicketDepartment.ticket_id.in_(ticket_ids)).order_by(TicketDepartment.id))).all()
    for row in rows:
        found[row.ticket_id].append(row)
    if rows:  # into the session's identity map (weak: the memo keeps them), for session.get
        ctx.memo["departments"] = (await ctx.session.exec(select(Department).where(
            Department.id.in_({r.department_id for r in rows})))).all()
        if liaisons := {r.liaison_id for r in rows if r.liaison_id}:
            ctx.memo["liaisons"] = (await ctx.session.exec(select(Member).where(
                Member.id.in_(liaisons)))).all()
    for ticket_id, departments in found.items():
        ctx.memo[("departments", ticket_id)] = departments


async def put_department(ctx: Ctx, ticket_id: int, department_id: int, role: str,
                         liaison_id: int | None = None) -> None:
    """Give a department its part on the ticket (one row per department, re-used)."""
    row = next((r for r in await departments_on(ctx, ticket_id)
                if r.department_id == department_id), None)
    if row is None:
        row = TicketDepartment(ticket_id=ticket_id, department_id=department_id, at=ctx.now)
    row.role, row.at = role, ctx.now
    if liaison_id is not None:
        row.liaison_id = liaison_id
    ctx.session.add(row)
    await ctx.session.flush()


async def step_down_lead(ctx: Ctx, ticket_id: int, as_role: str = FORMER) -> None:
    for row in await departments_on(ctx, ticket_id):
        if row.role == LEAD:
            row.role, row.at = as_role, ctx.now
            ctx.session.add(row)
    await ctx.session.flush()
