"""The grid worker's side of a ticket: [接单] [到场] [办结] [不予受理] and /category.

[转派] and the department's [退回] live in handlers.casework.dispatch; helpers in
handlers.casework.assist.
"""

from __future__ import annotations

import locales
from handlers import conversations
from handlers.cards import refresh_card
from handlers.casework import assist, dispatch, resolve_step
from handlers.casework.acting import apply, ask, check_allowed
from handlers.context import Ctx
from handlers.events import ButtonPress, MessageIn
from handlers.members import capacities_for
from handlers.notify import tell_reporters
from handlers.tickets import find_by_number, load_ticket
from models.categories import category_codes
from models.lifecycle import Action, Capacity, DomainError
from models.ticket import TicketEvent
from models.types import TEXT_LIMIT

REJECT = "reject"  # the conversation asking for the reason of a [不予受理]
_ACTIONS = {"take": Action.TAKE, "site": Action.ARRIVE, "done": Action.RESOLVE,
            "disp": Action.DISPATCH, "rej": Action.REJECT, "ret": Action.RETURN}


async def on_ticket_button(event: ButtonPress, ctx: Ctx, payload) -> None:
    verb = payload.parts[0] if payload.parts else ""
    if verb not in _ACTIONS:
        raise DomainError("error-stale-button")
    ticket = await load_ticket(ctx, payload.int_at(1))
    await assist.refuse_helper(ctx, ticket, verb)
    if verb == "ret":
        await dispatch.on_return_button(event, ctx, ticket)
        return
    if verb == "take" and await dispatch.acknowledge(event, ctx, ticket):
        return
    action = _ACTIONS[verb]
    await check_allowed(ctx, ticket, action)
    locale = ctx.locale_of(ctx.member)
    if verb in ("take", "site"):
        changes = {"assignee_id": ctx.member.id} if verb == "take" else {}
        ticket = await apply(ctx, ticket, action, **changes)
        ctx.answer(event.callback_id, ctx.tr(locale, f"answer-{verb}", number=ticket.number))
        await refresh_card(ctx, ticket)
    elif verb == "done":
        await resolve_step.ask_resolution(event, ctx, ticket)
    elif verb == "rej":
        await ask(event, ctx, ticket, REJECT,
                  ctx.tr(locale, "reject-ask", number=ticket.number))
    else:
        await dispatch.offer_departments(event, ctx, ticket)


async def continue_reject(event: MessageIn, ctx: Ctx, conv) -> bool:
    data = conversations.data_of(conv)
    locale = ctx.locale_of(ctx.member)
    reason = event.text.strip()
    if not reason:
        ctx.send(event.chat_id, ctx.tr(locale, "reject-ask", number="…"))
        return True
    ticket = await load_ticket(ctx, data["ticket_id"])
    ticket = await apply(ctx, ticket, Action.REJECT, note=reason, reject_reason=reason[:TEXT_LIMIT])
    await conversations.finish(ctx, conv)
    ctx.send(event.chat_id, ctx.tr(locale, "reject-done", number=ticket.number))
    await refresh_card(ctx, ticket)
    await tell_reporters(ctx, ticket, "reject-notice", number=ticket.number, reason=reason)
    return True


async def category_command(event: MessageIn, ctx: Ctx, args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    number, _, wanted = args.partition(" ")
    if not number or not wanted.strip():
        ctx.send(event.chat_id, ctx.tr(locale, "category-usage",
                                       codes=", ".join(category_codes())))
        return
    ticket = await find_by_number(ctx, number)
    capacities = await capacities_for(ctx, ctx.member, ticket)
    if not capacities & {Capacity.STAFF, Capacity.SUPERVISOR, Capacity.HOLDER}:
        raise DomainError("error-not-staff", number=ticket.number)
    code = _category_from(wanted.strip())
    if code is None:
        raise DomainError("error-unknown-category", codes=", ".join(category_codes()))
    ticket.category = code
    ticket.updated_at = ctx.now
    ctx.session.add(ticket)
    ctx.session.add(TicketEvent(ticket_id=ticket.id, actor_id=ctx.member.id, action="category",
                                from_status=ticket.status, to_status=ticket.status, note=code,
                                at=ctx.now))
    ctx.send(event.chat_id, ctx.tr(locale, "category-changed", number=ticket.number,
                                   category=ctx.tr(locale, f"category-{code}")))
    await refresh_card(ctx, ticket)


def _category_from(wanted: str) -> str | None:
    for code in category_codes():
        labels = {code, locales.t("zh_CN", f"category-{code}"), locales.t("en", f"category-{code}")}
        if wanted.lower() in {label.lower() for label in labels}:
            return code
    return None


conversations.register(REJECT, continue_reject)
