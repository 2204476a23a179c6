"""[办结]'s private step: the after-photos and the note, in any order and number, until [完成].

People send a photo and then type the note as a second message, as anyone does in WeChat.
So nothing closes on the first piece: every photo and text belongs to the resolution until
the worker (or the liaison) taps [完成], or [跳过] to close without a photo, or stays quiet
for QUIET and the sweep (`expire_steps`, run each minute) closes with what it has. While the
step is open, a staff member's text is a note, never a new report.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from sqlmodel import select

from handlers import callbacks, conversations
from handlers.cards import refresh_card
from handlers.casework.acting import apply, ask, check_allowed
from handlers.casework.rating_request import ask_for_rating
from handlers.context import Ctx, Deps
from handlers.events import Button, ButtonPress, Keyboard, MessageIn, PhotoRef
from handlers.outbox import write_outbox
from handlers.tickets import attach_photos, load_ticket
from models.lifecycle import Action, DomainError, Status
from models.messaging import Conversation
from models.org import Member
from models.ticket import Ticket
from models.types import TEXT_LIMIT

KIND = "resolve"
COLLECT = "collect"
QUIET = timedelta(minutes=15)  # no new piece for this long: close with what was sent


async def ask_resolution(event: ButtonPress, ctx: Ctx, ticket: Ticket) -> None:
    locale = ctx.locale_of(ctx.member)
    await ask(event, ctx, ticket, KIND, ctx.tr(locale, "resolve-ask", number=ticket.number),
              _keyboard(ctx, "button-skip-photo"), step=COLLECT, photos=[], notes=[],
              albums=[])


def _keyboard(ctx: Ctx, *keys: str) -> Keyboard:
    locale = ctx.locale_of(ctx.member)
    verbs = {"button-finish": "done", "button-skip-photo": "skip"}
    return (tuple(Button(ctx.tr(locale, k), callbacks.step_button(verbs[k])) for k in keys),)


async def continue_resolve(event: MessageIn, ctx: Ctx, conv: Conversation) -> bool:
    """A photo, an album's photo or a text: kept for the resolution, acknowledged briefly."""
    data = conversations.data_of(conv)
    locale = ctx.locale_of(ctx.member)
    if not event.text.strip() and not event.photos:
        await conversations.say(ctx, conv, ctx.tr(locale, "resolve-send-what"),
                                _keyboard(ctx, "button-finish"))
        return True
    photos = data["photos"] + [asdict(p) for p in event.photos]
    notes = data["notes"] + ([event.text.strip()] if event.text.strip() else [])
    albums = data["albums"]
    # One receipt per album: its photos arrive as separate messages, possibly at once (the
    # conversation row is locked, so each sees the album ids the previous one recorded).
    quiet = bool(event.media_group_id) and event.media_group_id in albums and not event.text
    if event.media_group_id and event.media_group_id not in albums:
        albums = [*albums, event.media_group_id]
    await conversations.advance(ctx, conv, COLLECT, photos=photos, notes=notes, albums=albums)
    if not quiet:
        text = ctx.tr(locale, "resolve-received", photos=len(photos), notes=len(notes))
        await conversations.say(ctx, conv, text, _keyboard(ctx, "button-finish"))
    return True


async def on_step_button(event: ButtonPress, ctx: Ctx, conv: Conversation, verb: str) -> None:
    """[完成] closes with what was sent; [跳过] closes without a photo (with any note sent)."""
    if verb not in ("done", "skip"):
        raise DomainError("error-stale-button")
    ctx.answer(event.callback_id)
    await close_with_what_it_has(ctx, conv, timed_out=False)


async def close_with_what_it_has(ctx: Ctx, conv: Conversation, timed_out: bool) -> None:
    data = conversations.data_of(conv)
    locale = ctx.locale_of(ctx.member)
    ticket = await load_ticket(ctx, data["ticket_id"])
    try:  # taken away, closed or rejected meanwhile: the step ends with the reason
        await check_allowed(ctx, ticket, Action.RESOLVE)
    except DomainError as refusal:
        await conversations.finish(ctx, conv)
        ctx.send(conv.chat_id, ctx.tr(locale, refusal.key, **refusal.args_))
        return
    if timed_out and not data["photos"] and not data["notes"]:
        await conversations.finish(ctx, conv)
        ctx.send(conv.chat_id, ctx.tr(locale, "resolve-timeout-empty", number=ticket.number))
        return
    note = "\n".join(data["notes"])[:TEXT_LIMIT] or None
    changes = {"close_note": note}
    if Status(ticket.status) == Status.NEW:
        changes["assignee_id"] = ctx.member.id  # 即知即办: fixed on the spot by who saw it
    ticket = await apply(ctx, ticket, Action.RESOLVE, note=note, **changes)
    await attach_photos(ctx, ticket, [PhotoRef(**p) for p in data["photos"]], stage="after")
    await conversations.finish(ctx, conv)
    key = "resolve-timeout-done" if timed_out else "resolve-done"
    ctx.send(conv.chat_id, ctx.tr(locale, key, number=ticket.number))
    await refresh_card(ctx, ticket)
    await ask_for_rating(ctx, ticket)


async def expire_steps(deps: Deps) -> int:
    """The scheduled sweep: close each step quiet for QUIET, each in its own transaction."""
    cutoff = deps.clock.now() - QUIET
    async with deps.session_factory() as session:
        ids = (await session.exec(
            select(Conversation.id).where(Conversation.kind == KIND,
                                          Conversation.updated_at <= cutoff))).all()
    closed = 0
    for conv_id in ids:
        async with deps.session_factory() as session, session.begin():
            conv = await session.get(Conversation, conv_id, with_for_update=True)
            if conv is None or conv.updated_at > cutoff:
                continue  # finished or fed meanwhile
            member = await session.get(Member, conv.member_id)
            ctx = Ctx(session=session, deps=deps, platform=member.platform, member=member)
            await close_with_what_it_has(ctx, conv, timed_out=True)
            await write_outbox(session, ctx.actions, deps.clock.now())
            closed += 1
    if closed:
        deps.notify()
    return closed


conversations.register(KIND, continue_resolve, on_button=on_step_button)
