"""/assign NUMBER @名字: a grid leader, admin or the command centre hands a ticket to a named
worker of its grid (交办). Audited as "assign"; the card is refreshed and the new holder told."""

from __future__ import annotations

from sqlalchemy import update

from handlers.cards import refresh_card
from handlers.context import Ctx
from handlers.deadlines import schedule
from handlers.departments import step_down_lead
from handlers.events import MessageIn
from handlers.members import capacities_for, members_with_role
from handlers.notify import reach, reach_with_card
from handlers.tickets import find_by_number, load_ticket
from models.lifecycle import OPEN_STATUSES, Capacity, DomainError, Status
from models.org import Member, Role
from models.ticket import Ticket, TicketEvent

# Who can be named: the grid's own workers, and its leader (who works tickets too).
ASSIGNABLE = {Role.WORKER, Role.LEADER}
# Handing over makes the person its holder: a ticket nobody held counts as taken from now on,
# the way [转派] takes it for the liaison. A ticket already under way keeps its status.
_TAKEN_BY_ASSIGNING = {Status.NEW, Status.REOPENED}


async def assign_command(event: MessageIn, ctx: Ctx, args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    number, _, wanted = args.partition(" ")
    name = wanted.strip().lstrip("@＠").strip()
    if not number or not name:
        ctx.send(event.chat_id, ctx.tr(locale, "assign-usage"))
        return
    ticket = await find_by_number(ctx, number)
    if Capacity.SUPERVISOR not in await capacities_for(ctx, ctx.member, ticket):
        raise DomainError("assign-error-not-supervisor", number=ticket.number)
    if Status(ticket.status) not in OPEN_STATUSES:
        raise DomainError("error-ticket-closed", number=ticket.number)
    people = await members_with_role(ctx, ASSIGNABLE, ticket.grid_id)
    found = _matching(people, name)
    if len(found) != 1:
        listing = ctx.tr(locale, "dispatch-list-sep").join(p.display_name for p in people)
        key = "assign-error-ambiguous" if found else "assign-error-unknown"
        raise DomainError(key, name=name, workers=listing or "—")
    chosen = found[0]
    if chosen.id == ticket.assignee_id:
        raise DomainError("assign-error-already", number=ticket.number, name=chosen.display_name)
    previous_id = ticket.assignee_id
    ticket = await _hand_over(ctx, ticket, chosen)
    ctx.send(event.chat_id, ctx.tr(locale, "assign-done", number=ticket.number,
                                   name=chosen.display_name, staff="handover"))
    await refresh_card(ctx, ticket)
    intro = ctx.tr(ctx.locale_of(chosen), "assign-notice", number=ticket.number,
                   by=ctx.member.display_name)
    await reach_with_card(ctx, chosen, ticket, intro)
    previous = await ctx.session.get(Member, previous_id) if previous_id else None
    if previous is not None and previous.id != ctx.member.id:
        await reach(ctx, previous, ticket, "assign-removed", number=ticket.number,
                    name=chosen.display_name, staff="handover")


def _matching(people: list[Member], name: str) -> list[Member]:
    """The exact display name, else the people whose name contains what was typed."""
    lowered = name.lower()
    exact = [p for p in people if p.display_name.lower() == lowered]
    return exact or [p for p in people if lowered in p.display_name.lower()]


async def _hand_over(ctx: Ctx, ticket: Ticket, chosen: Member) -> Ticket:
    source = Status(ticket.status)
    target = Status.TAKEN if source in _TAKEN_BY_ASSIGNING else source
    had_department = ticket.department_id is not None
    # The version seen is part of the WHERE: if someone acted meanwhile, nothing is changed.
    result = await ctx.session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.version == ticket.version)
        .values(status=target, assignee_id=chosen.id, department_id=None,
                version=ticket.version + 1, updated_at=ctx.now)
    )
    if result.rowcount != 1:
        raise DomainError("error-busy")
    ctx.session.add(TicketEvent(ticket_id=ticket.id, actor_id=ctx.member.id, action="assign",
                                from_status=source, to_status=target,
                                note=chosen.display_name, at=ctx.now))
    if had_department:
        await step_down_lead(ctx, ticket.id)  # a grid worker holds it now, not the department
    ticket = await load_ticket(ctx, ticket.id)
    await schedule(ctx, ticket)
    await ctx.session.flush()
    return ticket
