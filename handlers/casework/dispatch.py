"""网格吹哨、部门报到: [转派] hands a ticket to a department's liaison, who may [退回] it.

The department that takes a ticket becomes its lead; helpers are added by handlers.casework.assist.
"""

from __future__ import annotations

from sqlmodel import select

from handlers import callbacks, conversations
from handlers.cards import refresh_card
from handlers.casework.acting import apply, ask, check_allowed
from handlers.context import Ctx
from handlers.departments import (
    LEAD,
    RETURNED,
    covered_departments,
    department_label,
    liaison_for,
    put_department,
    recommended_code,
    step_down_lead,
)
from handlers.events import Button, ButtonPress, Keyboard, MessageIn
from handlers.members import members_with_role
from handlers.notify import reach, reach_with_card
from handlers.tickets import load_ticket
from models.lifecycle import FINAL_STATUSES, Action, DomainError, Status
from models.org import Department, Role
from models.ticket import Ticket
from models.types import TEXT_LIMIT

RETURN_KIND = "return"  # the conversation asking a department why it hands a ticket back

# ---- [转派]: pick a department ----------------------------------------------------------


async def offer_departments(event: ButtonPress, ctx: Ctx, ticket: Ticket) -> None:
    """Departments with a liaison here, the category's own first and marked."""
    departments = (await ctx.session.exec(select(Department).order_by(Department.id))).all()
    if not departments:
        raise DomainError("error-no-departments")
    covered = await covered_departments(ctx, ticket.grid_id)
    recommended = recommended_code(ticket)
    candidates = [d for d in departments if d.id != ticket.department_id]
    available = sorted((d for d in candidates if d.id in covered),
                       key=lambda d: d.code != recommended)
    missing = [d for d in candidates if d.id not in covered]
    if not available:
        raise DomainError("dispatch-error-none-available", number=ticket.number)
    locale = ctx.locale_of(ctx.member)
    buttons = []
    for department in available:
        label = department_label(locale, department)
        if department.code == recommended:
            label = ctx.tr(locale, "dispatch-recommended", department=label)
        buttons.append(Button(label, callbacks.dispatch_to(ticket.id, department.id)))
    keyboard = tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))
    lines = [ctx.tr(locale, "dispatch-pick", number=ticket.number)]
    if missing:
        names = ctx.tr(locale, "dispatch-list-sep").join(
            department_label(locale, d) for d in missing)
        lines.append(ctx.tr(locale, "dispatch-unavailable", departments=names))
    ctx.send(ctx.member.private_chat_id or event.chat_id, "\n".join(lines), keyboard,
             ref=_pick_ref(ticket.id, ctx.member.id))
    ctx.answer(event.callback_id)


def _pick_ref(ticket_id: int, member_id: int) -> str:
    """The department list: once one is chosen its buttons go (a second press would move it)."""
    return f"dpick:{ticket_id}:{member_id}"


async def on_dispatch_choice(event: ButtonPress, ctx: Ctx, payload) -> None:
    ticket = await load_ticket(ctx, payload.int_at(0))
    department = await ctx.session.get(Department, payload.int_at(1))
    if department is None:
        raise DomainError("error-stale-button")
    await check_allowed(ctx, ticket, Action.DISPATCH)
    if department.id == ticket.department_id:
        raise DomainError("error-stale-button")  # an old keyboard: it is there already
    liaison = await liaison_for(ctx, department.id, ticket.grid_id)
    if liaison is None:
        raise DomainError("error-no-liaison", department=department.name)
    ticket = await apply(ctx, ticket, Action.DISPATCH, note=department.name,
                         department_id=department.id, assignee_id=liaison.id,
                         return_reason=None)
    await step_down_lead(ctx, ticket.id)
    await put_department(ctx, ticket.id, department.id, LEAD, liaison.id)
    locale = ctx.locale_of(ctx.member)
    said = ctx.tr(locale, "answer-dispatched", number=ticket.number,
                  department=department_label(locale, department), name=liaison.display_name)
    ctx.answer(event.callback_id, said)
    ctx.edit(event.chat_id, _pick_ref(ticket.id, ctx.member.id), said)
    await refresh_card(ctx, ticket)
    their = ctx.locale_of(liaison)
    intro = ctx.tr(their, "dispatch-liaison-intro",
                   department=department_label(their, department))
    await reach_with_card(ctx, liaison, ticket, intro, liaison_keyboard(ctx, ticket, their))


def liaison_keyboard(ctx: Ctx, ticket: Ticket, locale: str) -> Keyboard:
    """What a department's liaison can do with a ticket handed to them."""

    def button(key: str, verb: str) -> Button:
        return Button(ctx.tr(locale, key), callbacks.ticket_action(verb, ticket.id))

    return (
        (button("button-take", "take"), button("button-site", "site")),
        (button("button-done", "done"), button("return-button", "ret")),
    )


async def acknowledge(event: ButtonPress, ctx: Ctx, ticket: Ticket) -> bool:
    """[接单] by the liaison already holding a dispatched ticket: say yes, change nothing."""
    if not (ticket.department_id and ticket.assignee_id == ctx.member.id
            and Status(ticket.status) == Status.TAKEN):
        return False
    ctx.answer(event.callback_id,
               ctx.tr(ctx.locale_of(ctx.member), "dispatch-acknowledged", number=ticket.number))
    return True


# ---- [退回]: the department sends it back to the grid, with a reason ----------------------


async def on_return_button(event: ButtonPress, ctx: Ctx, ticket: Ticket) -> None:
    if Status(ticket.status) in FINAL_STATUSES:
        raise DomainError("error-ticket-closed", number=ticket.number)
    if not ticket.department_id or ticket.assignee_id != ctx.member.id:
        raise DomainError("return-error-not-holder", number=ticket.number)
    await check_allowed(ctx, ticket, Action.RETURN)
    locale = ctx.locale_of(ctx.member)
    await ask(event, ctx, ticket, RETURN_KIND, ctx.tr(locale, "return-ask", number=ticket.number))


async def continue_return(event: MessageIn, ctx: Ctx, conv) -> bool:
    data = conversations.data_of(conv)
    locale = ctx.locale_of(ctx.member)
    ticket = await load_ticket(ctx, data["ticket_id"])
    if not ticket.department_id or ticket.assignee_id != ctx.member.id:
        # Taken back from them meanwhile (/assign, a leader's [转派]): nothing left to return.
        await conversations.finish(ctx, conv)
        ctx.send(event.chat_id, ctx.tr(locale, "return-error-not-holder", number=ticket.number))
        return True
    reason = event.text.strip()
    if not reason:
        ctx.send(event.chat_id, ctx.tr(locale, "return-ask", number=ticket.number))
        return True
    department = await ctx.session.get(Department, ticket.department_id)
    ticket = await apply(ctx, ticket, Action.RETURN, note=reason[:TEXT_LIMIT], assignee_id=None,
                         department_id=None, return_reason=reason[:TEXT_LIMIT])
    await step_down_lead(ctx, ticket.id, as_role=RETURNED)
    await conversations.finish(ctx, conv)
    ctx.send(event.chat_id, ctx.tr(locale, "return-done", number=ticket.number))
    await refresh_card(ctx, ticket)
    for worker in await members_with_role(ctx, {Role.WORKER}, ticket.grid_id):
        their = ctx.locale_of(worker)
        await reach(ctx, worker, ticket, "return-notice", number=ticket.number, reason=reason,
                    department=department_label(their, department), staff="handover")
    return True


conversations.register(RETURN_KIND, continue_return)
