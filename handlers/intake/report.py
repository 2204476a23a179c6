"""Reports in a grid's group: the one-tap [登记] prompt, /report and #报事, and albums.

Before a report becomes a ticket it is checked against the open tickets of its grid
(handlers/intake/duplicates.py); an emergency skips both the prompt and that question.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from sqlmodel import select

from handlers import callbacks
from handlers.cards import refresh_card
from handlers.context import Ctx
from handlers.deadlines import schedule
from handlers.events import Button, ButtonPress, Location, MessageIn, PhotoRef
from handlers.intake import emergency, flood_cap, private_report
from handlers.intake.announce import announce_new_ticket
from handlers.intake.duplicates import draft_choice, find_duplicate, offer, plus_one, still_open
from handlers.members import ensure_resident, group_for_chat
from handlers.tickets import NewReport, attach_photos, create_ticket
from models.categories import OTHER, guess_category, looks_like_a_problem
from models.lifecycle import DomainError
from models.messaging import Draft
from models.org import ChatGroup
from models.ticket import Ticket
from models.types import TEXT_LIMIT

# Draft statuses besides pending/confirmed/dismissed: waiting for [是，+1]/[不是] (ticket_id is
# then the candidate), and +1'd onto an existing ticket (ticket_id is the ticket followed).
DUP_CHECK, FOLLOWED = "dup_check", "followed"


async def on_group_message(event: MessageIn, ctx: Ctx) -> None:
    group = await group_for_chat(ctx, event.chat_id)
    if group is None:
        return  # an unbound group: only /bind and /help speak there
    await ensure_resident(ctx, ctx.member, group.area_id)
    if event.media_group_id:
        draft, created = await _album_draft(ctx, event)
        if draft.status in ("confirmed", FOLLOWED):
            ticket = await ctx.session.get(Ticket, draft.ticket_id)
            await attach_photos(ctx, ticket, event.photos, stage="before")
            if draft.status == "confirmed":
                await _late_caption(ctx, ticket, event.text)
        elif draft.status == "pending" and emergency.is_emergency(draft.text):
            ticket = await _confirm(ctx, draft, shown=not created)
            if not created:  # an earlier photo showed the prompt: it is answered now
                _say_confirmed(ctx, draft, ticket)
        elif created:
            _prompt(ctx, event, draft)
        return  # a draft waiting in dup_check keeps the photos until its author answers
    if not event.photos and not looks_like_a_problem(event.text):
        return  # greetings and chatter create nothing
    if emergency.is_emergency(event.text):
        await _report_now(event, ctx, group, event.text)  # no prompt: every minute counts
        return
    await flood_cap.check(ctx, event.text)  # no prompt either for one report too many
    _prompt(ctx, event, await _new_draft(ctx, event))


async def _album_draft(ctx: Ctx, event: MessageIn) -> tuple[Draft, bool]:
    """One draft per album. A lost race on the unique key is retried by the bus."""
    draft = (
        await ctx.session.exec(
            select(Draft)
            .where(
                Draft.platform == ctx.platform,
                Draft.chat_id == event.chat_id,
                Draft.media_group_id == event.media_group_id,
            )
            # Album photos arrive at once: lock the row so each adds to the newest photo list
            # (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
            .with_for_update()
        )
    ).first()
    if draft is not None:
        photos = json.loads(draft.photos) + json.loads(_photos_json(event.photos))
        draft.photos = json.dumps(photos)
        if event.text and not draft.text:
            draft.text = event.text
            draft.source_message_id = event.message_id
        if event.location and draft.latitude is None:
            draft.latitude, draft.longitude = event.location.lat, event.location.lon
        ctx.session.add(draft)
        return draft, False
    return await _new_draft(ctx, event, media_group_id=event.media_group_id), True


async def _new_draft(ctx: Ctx, event: MessageIn, **extra) -> Draft:
    """The draft a [登记] prompt asks about: the message's words, photos and place."""
    draft = Draft(
        platform=ctx.platform,
        chat_id=event.chat_id,
        member_id=ctx.member.id,
        text=event.text,
        photos=_photos_json(event.photos),
        source_message_id=event.message_id,
        **_coordinates(event.location),
        created_at=ctx.now,
        **extra,
    )
    ctx.session.add(draft)
    await ctx.session.flush()
    return draft


async def _late_caption(ctx: Ctx, ticket: Ticket, text: str) -> None:
    """Telegram does not promise an album's parts arrive in order: the captioned photo can
    come after the resident already confirmed the draft. Its words still belong on the
    ticket, and they may tell us the category."""
    if not text or ticket.text:
        return
    ticket.text = text.strip()[:TEXT_LIMIT]
    guessed = guess_category(ticket.text)
    if ticket.category == OTHER and guessed is not None:
        was_urgent = ticket.urgent
        ticket.category, ticket.urgent = guessed.code, guessed.urgent
        await schedule(ctx, ticket)  # the deadlines of its category (an emergency's, maybe)
        if ticket.urgent and not was_urgent:
            await emergency.alert(ctx, ticket)
    ctx.session.add(ticket)
    await refresh_card(ctx, ticket)


def _prompt(ctx: Ctx, event: MessageIn, draft: Draft) -> None:
    locale = ctx.locale_of(ctx.member)
    buttons = (
        (
            Button(ctx.tr(locale, "button-draft-yes"), callbacks.draft("y", draft.id)),
            Button(ctx.tr(locale, "button-draft-no"), callbacks.draft("n", draft.id)),
        ),
    )
    ctx.send(
        event.chat_id,
        ctx.tr(locale, "draft-prompt", name=ctx.member.display_name),
        buttons,
        reply_to=event.message_id,
        ref=f"draft:{draft.id}",
    )


def _photos_json(photos: tuple[PhotoRef, ...]) -> str:
    return json.dumps([asdict(p) for p in photos])


async def _own_draft(event: ButtonPress, ctx: Ctx, payload, status: str,
                     not_yours: str) -> Draft:
    """The draft a [登记]/[不用] or [是，+1]/[不是] press is about, if the presser may answer."""
    if not payload.parts or payload.parts[0] not in ("y", "n"):
        raise DomainError("error-stale-button")  # only the two choices we issue
    draft = await ctx.session.get(Draft, payload.int_at(1))
    if draft is None or draft.chat_id != event.chat_id or draft.platform != ctx.platform:
        raise DomainError("error-stale-button")
    if draft.member_id != ctx.member.id:
        raise DomainError(not_yours)
    if draft.status != status:
        raise DomainError("error-draft-done")
    return draft


async def on_draft_choice(event: ButtonPress, ctx: Ctx, payload) -> None:
    draft = await _own_draft(event, ctx, payload, "pending", "error-not-your-draft")
    locale = ctx.locale_of(ctx.member)
    if payload.parts[0] == "n":
        draft.status = "dismissed"
        ctx.session.add(draft)
        ctx.answer(event.callback_id, ctx.tr(locale, "draft-dismissed"))
        ctx.edit(event.chat_id, f"draft:{draft.id}", ctx.tr(locale, "draft-dismissed"))
        return
    ticket = await _confirm(ctx, draft, shown=True)
    if ticket is None:  # the prompt became the question "same as G0102-0042?"
        ctx.answer(event.callback_id)
        return
    ctx.answer(event.callback_id, ctx.tr(locale, "draft-confirmed", number=ticket.number))
    _say_confirmed(ctx, draft, ticket)


async def on_dup_choice(event: ButtonPress, ctx: Ctx, payload) -> None:
    """[是，+1] follows the open ticket; [不是] makes the report a ticket of its own."""
    draft = await _own_draft(event, ctx, payload, DUP_CHECK, "dup-not-yours")
    locale = ctx.locale_of(ctx.member)
    if payload.parts[0] == "y":
        target = await still_open(ctx, draft.ticket_id)
        if target is not None:
            text = await plus_one(ctx, target, ctx.member, json.loads(draft.photos))
            draft.status, draft.ticket_id = FOLLOWED, target.id
            ctx.session.add(draft)
            ctx.answer(event.callback_id, text)
            ctx.edit(event.chat_id, f"draft:{draft.id}", text)
            await refresh_card(ctx, target)  # its count of reporters went up
            return
    old = await ctx.session.get(Ticket, draft.ticket_id)
    ticket = await _make_ticket(ctx, draft, await _bound_group(ctx, draft.chat_id))
    key = "dup-gone" if payload.parts[0] == "y" else "draft-confirmed"
    text = ctx.tr(locale, key, number=ticket.number, old=old.number if old else "")
    ctx.answer(event.callback_id, text)
    ctx.edit(event.chat_id, f"draft:{draft.id}", text)


def _say_confirmed(ctx: Ctx, draft: Draft, ticket: Ticket) -> None:
    """The prompt (or the question) in the chat now says which ticket the report became."""
    text = ctx.tr(ctx.locale_of(ctx.member), "draft-confirmed", number=ticket.number)
    ctx.edit(draft.chat_id, f"draft:{draft.id}", text)


async def _bound_group(ctx: Ctx, chat_id: str) -> ChatGroup:
    group = await group_for_chat(ctx, chat_id)
    if group is None:
        raise DomainError("error-group-not-bound")
    return group


async def _confirm(ctx: Ctx, draft: Draft, shown: bool) -> Ticket | None:
    """Make the draft a ticket, unless an open one looks the same: then ask (None).

    `shown`: whether a message with the draft's ref (the prompt) is already in the chat.
    """
    group = await _bound_group(ctx, draft.chat_id)
    candidate = await find_duplicate(ctx, group.area_id, draft.text, _location_of(draft))
    if candidate is not None and not emergency.is_emergency(draft.text):
        draft.status, draft.ticket_id = DUP_CHECK, candidate.id
        ctx.session.add(draft)
        _offer(ctx, draft, candidate, shown)
        return None
    return await _make_ticket(ctx, draft, group, maybe_same=candidate)


async def _make_ticket(ctx: Ctx, draft: Draft, group: ChatGroup,
                       maybe_same: Ticket | None = None) -> Ticket:
    await flood_cap.check(ctx, draft.text)  # a prompt shown before she reached the cap
    photos = tuple(PhotoRef(**p) for p in json.loads(draft.photos))
    report = NewReport(group.area_id, ctx.member, draft.text, photos, draft.chat_id,
                       draft.source_message_id, _location_of(draft))
    ticket = await create_ticket(ctx, report)
    draft.status, draft.ticket_id = "confirmed", ticket.id
    ctx.session.add(draft)
    await announce_new_ticket(ctx, ticket, reply_in_chat=draft.chat_id, maybe_same=maybe_same)
    return ticket


def _coordinates(location: Location | None) -> dict[str, float]:
    return {"latitude": location.lat, "longitude": location.lon} if location else {}


def _location_of(draft: Draft) -> Location | None:
    if draft.latitude is None or draft.longitude is None:
        return None
    return Location(draft.latitude, draft.longitude)


def _offer(ctx: Ctx, draft: Draft, candidate: Ticket, shown: bool) -> None:
    text, buttons = offer(ctx, ctx.locale_of(ctx.member), candidate,
                          draft_choice("y", draft.id), draft_choice("n", draft.id))
    if shown:
        ctx.edit(draft.chat_id, f"draft:{draft.id}", text, buttons)
    else:
        ctx.send(draft.chat_id, text, buttons, reply_to=draft.source_message_id,
                 ref=f"draft:{draft.id}")


async def report_command(event: MessageIn, ctx: Ctx, text: str) -> None:
    """`/report 文字` or `#报事 文字`: a ticket at once, no prompt."""
    locale = ctx.locale_of(ctx.member)
    if event.is_private:
        await private_report.start_guided(event, ctx, description=text)
        return
    group = await group_for_chat(ctx, event.chat_id)
    if group is None:
        raise DomainError("error-group-not-bound")
    if not text and not event.photos:
        ctx.send(event.chat_id, ctx.tr(locale, "report-usage"), reply_to=event.message_id)
        return
    await ensure_resident(ctx, ctx.member, group.area_id)
    event = _with_text(event, text)
    if event.media_group_id:
        draft, created = await _album_draft(ctx, event)
        draft.text = text
        if draft.status == "pending":
            # shown: an earlier photo of the album already showed the prompt
            ticket = await _confirm(ctx, draft, shown=not created)
            if ticket is not None and not created:
                _say_confirmed(ctx, draft, ticket)
        return
    await _report_now(event, ctx, group, text)


async def _report_now(event: MessageIn, ctx: Ctx, group: ChatGroup, text: str) -> None:
    """A ticket from this message at once, unless an open ticket looks the same: then ask,
    keeping the report in a draft. An emergency never waits for that answer."""
    await flood_cap.check(ctx, text)
    candidate = await find_duplicate(ctx, group.area_id, text, event.location)
    if candidate is not None and not emergency.is_emergency(text):
        draft = Draft(platform=ctx.platform, chat_id=event.chat_id, member_id=ctx.member.id,
                      text=text, photos=_photos_json(event.photos),
                      source_message_id=event.message_id, status=DUP_CHECK,
                      ticket_id=candidate.id, created_at=ctx.now,
                      **_coordinates(event.location))
        ctx.session.add(draft)
        await ctx.session.flush()
        _offer(ctx, draft, candidate, shown=False)
        return
    report = NewReport(group.area_id, ctx.member, text, event.photos, event.chat_id,
                       event.message_id, event.location)
    ticket = await create_ticket(ctx, report)
    await announce_new_ticket(ctx, ticket, reply_in_chat=event.chat_id, maybe_same=candidate)


def _with_text(event: MessageIn, text: str) -> MessageIn:
    from dataclasses import replace

    return replace(event, text=text)

