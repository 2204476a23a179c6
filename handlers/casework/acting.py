"""Judging a press on a ticket before acting on it, and applying it with readable refusals.

Shared by the worker's buttons (task) and the department's (dispatch): the lifecycle table
says yes or no, and this module turns its no into the sentence the presser should read.
"""

from __future__ import annotations

from handlers import conversations
from handlers.context import Ctx
from handlers.events import ButtonPress, Keyboard
from handlers.members import capacities_for
from handlers.tickets import load_ticket, transition
from models.lifecycle import (
    FINAL_STATUSES,
    Action,
    Capacity,
    DomainError,
    IllegalTransition,
    NotPermitted,
    Status,
    next_status,
)
from models.org import Member
from models.ticket import Ticket


async def check_allowed(ctx: Ctx, ticket: Ticket, action: Action) -> set[Capacity]:
    """Judge the press before asking anything, and turn the rule's no into a helpful sentence."""
    capacities = await capacities_for(ctx, ctx.member, ticket)
    try:
        next_status(ticket.status, action, capacities)
    except NotPermitted:
        if Capacity.STAFF in capacities or Capacity.SUPERVISOR in capacities:
            await raise_held_by_other(ctx, ticket)
        raise DomainError("error-not-staff", number=ticket.number) from None
    except IllegalTransition:
        if Status(ticket.status) in FINAL_STATUSES:
            raise DomainError("error-ticket-closed", number=ticket.number) from None
        if not capacities & {Capacity.STAFF, Capacity.SUPERVISOR, Capacity.HOLDER}:
            # A resident is told the rule about who may act, not the state of the ticket.
            raise DomainError("error-not-staff", number=ticket.number) from None
        if action == Action.TAKE and ticket.assignee_id:
            # Also for the holder's own second tap: name who has it, not "not allowed now".
            await raise_held_by_other(ctx, ticket, even_self=True)
        raise
    return capacities


async def raise_held_by_other(ctx: Ctx, ticket: Ticket, even_self: bool = False) -> None:
    if ticket.assignee_id and (even_self or ticket.assignee_id != ctx.member.id):
        holder = await ctx.session.get(Member, ticket.assignee_id)
        raise DomainError("error-already-taken", number=ticket.number, name=holder.display_name)


async def apply(ctx: Ctx, ticket: Ticket, action: Action, note: str | None = None,
                **changes) -> Ticket:
    """Transition, re-judging with helpful refusals if someone else won the race meanwhile."""
    try:
        return await transition(ctx, ticket.id, action, ctx.member, note=note, **changes)
    except (IllegalTransition, NotPermitted):
        await check_allowed(ctx, await load_ticket(ctx, ticket.id), action)
        raise


async def ask(event: ButtonPress, ctx: Ctx, ticket: Ticket, kind: str, text: str,
              buttons: Keyboard = (), step: str = "note", **data) -> None:
    """Some steps need words (a reason, a closing note): ask the presser, privately if we can."""
    chat_id = ctx.member.private_chat_id or event.chat_id
    conv = await conversations.begin(ctx, chat_id, kind, step, ticket_id=ticket.id, **data)
    await conversations.say(ctx, conv, text, buttons)
    locale = ctx.locale_of(ctx.member)
    where = "answer-see-private" if ctx.member.private_chat_id else "answer-see-below"
    ctx.answer(event.callback_id, ctx.tr(locale, where))
