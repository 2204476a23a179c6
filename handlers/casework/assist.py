"""大事合办、难事协办: /assist adds a helping department; helpers see the ticket, the lead
department (or the grid, when no department leads) closes it."""

from __future__ import annotations

from sqlmodel import select

from handlers.cards import refresh_card
from handlers.context import Ctx
from handlers.departments import (
    HELPER,
    LEAD,
    department_label,
    departments_on,
    liaison_for,
    put_department,
)
from handlers.events import MessageIn
from handlers.members import area_chain, capacities_for
from handlers.notify import reach_with_card
from handlers.tickets import find_by_number
from models.lifecycle import FINAL_STATUSES, OPEN_STATUSES, Capacity, DomainError, Status
from models.org import Department, Member, Role, RoleAssignment
from models.ticket import Ticket, TicketEvent

STAFFISH = {Capacity.STAFF, Capacity.SUPERVISOR}


async def department_part(ctx: Ctx, ticket: Ticket, member: Member) -> str | None:
    """The member's department's part on the ticket (LEAD or HELPER), or None."""
    rows = [r for r in await departments_on(ctx, ticket.id) if r.role in (LEAD, HELPER)]
    if not rows:
        return None
    theirs = set(
        (
            await ctx.session.exec(
                select(RoleAssignment.department_id).where(
                    RoleAssignment.member_id == member.id,
                    RoleAssignment.role == Role.LIAISON,
                    RoleAssignment.area_id.in_(await area_chain(ctx, ticket.grid_id)),
                )
            )
        ).all()
    )
    parts = {r.role for r in rows if r.liaison_id == member.id or r.department_id in theirs}
    return LEAD if LEAD in parts else HELPER if HELPER in parts else None


async def refuse_helper(ctx: Ctx, ticket: Ticket, verb: str) -> None:
    """A helping department's liaison may look but not act: only the lead closes."""
    if Status(ticket.status) in FINAL_STATUSES or ticket.assignee_id == ctx.member.id:
        return
    if await capacities_for(ctx, ctx.member, ticket) & STAFFISH:
        return
    if await department_part(ctx, ticket, ctx.member) != HELPER:
        return
    key = "assist-error-lead-closes" if verb == "done" else "assist-error-helper-only"
    raise DomainError(key, number=ticket.number)


async def assist_command(event: MessageIn, ctx: Ctx, args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    number, _, wanted = args.partition(" ")
    if not number or not wanted.strip():
        ctx.send(event.chat_id, ctx.tr(locale, "assist-usage"))
        return
    ticket = await find_by_number(ctx, number)
    if not (await capacities_for(ctx, ctx.member, ticket) & STAFFISH
            or await department_part(ctx, ticket, ctx.member) == LEAD):
        raise DomainError("assist-error-not-allowed", number=ticket.number)
    if Status(ticket.status) not in OPEN_STATUSES:
        raise DomainError("error-ticket-closed", number=ticket.number)
    department = await _department_named(ctx, wanted.strip(), locale)
    label = department_label(locale, department)
    if department.id == ticket.department_id:
        raise DomainError("assist-error-is-lead", department=label, number=ticket.number)
    if any(r.department_id == department.id and r.role == HELPER
           for r in await departments_on(ctx, ticket.id)):
        raise DomainError("assist-error-already", department=label, number=ticket.number)
    liaison = await liaison_for(ctx, department.id, ticket.grid_id)
    if liaison is None:
        raise DomainError("error-no-liaison", department=department.name)
    await put_department(ctx, ticket.id, department.id, HELPER, liaison.id)
    ctx.session.add(TicketEvent(ticket_id=ticket.id, actor_id=ctx.member.id, action="assist",
                                from_status=ticket.status, to_status=ticket.status,
                                note=department.name, at=ctx.now))
    ctx.send(event.chat_id, ctx.tr(locale, "assist-done", department=label,
                                   name=liaison.display_name, number=ticket.number))
    await refresh_card(ctx, ticket)
    their = ctx.locale_of(liaison)
    intro = ctx.tr(their, "assist-liaison-intro", number=ticket.number,
                   department=department_label(their, department))
    await reach_with_card(ctx, liaison, ticket, intro, buttons=())


async def _department_named(ctx: Ctx, wanted: str, locale: str) -> Department:
    departments = (await ctx.session.exec(select(Department).order_by(Department.id))).all()
    lowered = wanted.lower()
    for department in departments:
        if lowered in {department.code.lower(), department.name.lower(),
                       (department.name_en or "").lower()}:
            return department
    names = ctx.tr(locale, "dispatch-list-sep").join(
        department_label(locale, d) for d in departments)
    raise DomainError("assist-error-unknown-department", names=names or "—")
