"""A guided report in a private chat: grid → describe → photos → location → confirm, and
"same as G0102-0042?" (step dup_check) when an open ticket of the grid looks the same."""

from __future__ import annotations

from dataclasses import asdict

from handlers import callbacks, conversations
from handlers.cards import refresh_card
from handlers.context import Ctx
from handlers.events import Button, ButtonPress, Location, MessageIn, PhotoRef
from handlers.intake import emergency, emergency_private, flood_cap
from handlers.intake.announce import announce_new_ticket
from handlers.intake.duplicates import find_duplicate, offer, plus_one, still_open
from handlers.members import grids_of
from handlers.tickets import NewReport, create_ticket
from models.lifecycle import DomainError
from models.message_limits import shorten
from models.messaging import Conversation
from models.org import Area
from models.ticket import Ticket

KIND = "report"
DUP_CHECK = "dup_check"  # the candidate ticket's id is in the conversation's data


async def on_private_message(event: MessageIn, ctx: Ctx) -> None:
    """Writing to the bot about a problem starts a report with those words and photos."""
    if not event.text and not event.photos:
        await _send_help(event, ctx)
        return
    await start_guided(event, ctx, description=event.text, photos=event.photos)


async def _send_help(event: MessageIn, ctx: Ctx) -> None:
    ctx.send(event.chat_id, ctx.tr(ctx.locale_of(ctx.member), "help-resident"))


async def start_guided(
    event: MessageIn, ctx: Ctx, description: str = "", photos: tuple[PhotoRef, ...] = ()
) -> None:
    locale = ctx.locale_of(ctx.member)
    grids = await grids_of(ctx, ctx.member)
    if not grids:
        ctx.send(event.chat_id, ctx.tr(locale, "private-no-grid"))
        return
    await flood_cap.check(ctx, description)  # before she answers five questions for nothing
    data = {"description": description, "photos": [asdict(p) for p in photos]}
    if len(grids) > 1:
        conv = await conversations.begin(ctx, event.chat_id, KIND, "grid", **data)
        rows = tuple(
            (Button(f"{g.name}（{g.code}）", callbacks.private_report("grid", g.id)),)
            for g in grids
        )
        await conversations.say(ctx, conv, ctx.tr(locale, "private-pick-grid"), rows)
        return
    if emergency.is_emergency(description):  # every minute counts: no guided steps
        await emergency_private.file_at_once(event.chat_id, ctx, grids[0].id, description,
                                             data["photos"], event.location)
        return
    conv = await conversations.begin(ctx, event.chat_id, KIND, "describe", grid_id=grids[0].id,
                                     **data)
    await _after_grid(event.chat_id, ctx, conv)


async def _after_grid(chat_id: str, ctx: Ctx, conv: Conversation) -> None:
    data = conversations.data_of(conv)
    if emergency.is_emergency(data["description"]):  # the grid was all we had to ask
        await conversations.finish(ctx, conv)
        await emergency_private.file_at_once(chat_id, ctx, data["grid_id"],
                                             data["description"], data["photos"])
        return
    if data["description"]:
        await _ask_photos(chat_id, ctx, conv)
    else:
        await conversations.advance(ctx, conv, "describe")
        ctx.send(chat_id, ctx.tr(ctx.locale_of(ctx.member), "private-describe"))


async def _ask_photos(chat_id: str, ctx: Ctx, conv: Conversation) -> None:
    await conversations.advance(ctx, conv, "photos")
    locale = ctx.locale_of(ctx.member)
    await conversations.say(ctx, conv, ctx.tr(locale, "private-photos"),
                            _skip(ctx, "button-next"))


def _skip(ctx: Ctx, key: str = "button-skip"):
    return ((Button(ctx.tr(ctx.locale_of(ctx.member), key), callbacks.skip_step()),),)


async def continue_report(event: MessageIn, ctx: Ctx, conv: Conversation) -> bool:
    data = conversations.data_of(conv)
    locale = ctx.locale_of(ctx.member)
    photos = data["photos"] + [asdict(p) for p in event.photos]
    if conv.step == "grid":
        ctx.send(event.chat_id, ctx.tr(locale, "private-pick-grid-first"))
    elif conv.step == "describe":
        if not event.text and not event.photos:
            ctx.send(event.chat_id, ctx.tr(locale, "private-describe"))
            return True
        await conversations.advance(ctx, conv, "describe", description=event.text, photos=photos)
        await _ask_photos(event.chat_id, ctx, conv)
    elif conv.step == "photos":
        if event.photos or event.text:
            text = " ".join(x for x in (data["description"], event.text) if x)
            await conversations.advance(ctx, conv, "photos", photos=photos, description=text)
            if not event.media_group_id or event.text:  # one receipt per album
                await conversations.say(ctx, conv, ctx.tr(locale, "private-photo-received",
                                                          count=len(photos)),
                                        _skip(ctx, "button-next"))
            return True
        await conversations.advance(ctx, conv, "location")
        # Name the attach button the person sees: 📎 in Telegram, ⊕ in the webchat.
        hint = ctx.tr(locale, "private-location", platform=ctx.platform)
        await conversations.say(ctx, conv, hint, _skip(ctx))
    elif conv.step == "location":
        location = asdict(event.location) if event.location else None
        await conversations.advance(ctx, conv, "confirm", location=location)
        await _show_summary(event.chat_id, ctx, conv)
    elif conv.step == DUP_CHECK:
        await _ask_same(event.chat_id, ctx, conv)
    else:
        await _show_summary(event.chat_id, ctx, conv)
    return True


async def _show_summary(chat_id: str, ctx: Ctx, conv: Conversation) -> None:
    data = conversations.data_of(conv)
    locale = ctx.locale_of(ctx.member)
    grid = await ctx.session.get(Area, data["grid_id"])
    text = ctx.tr(
        locale,
        "private-summary",
        grid=grid.name,
        text=shorten(data["description"], 3500),  # issue 8: the summary fits in 4,096
        photos=len(data["photos"]),
        location="yes" if data.get("location") else "no",
    )
    buttons = (
        (
            Button(ctx.tr(locale, "button-submit"), callbacks.private_report("submit")),
            Button(ctx.tr(locale, "button-cancel"), callbacks.private_report("cancel")),
        ),
        # issue 8 (journeys-b): anonymous by default; one tap to be named on the group card.
        (Button(ctx.tr(locale, "button-submit-named"), callbacks.private_report("named")),),
    )
    anonymous = ctx.tr(locale, "private-anonymous-note")
    await conversations.say(ctx, conv, f"{text}\n{anonymous}", buttons)


async def on_button(event: ButtonPress, ctx: Ctx, payload) -> None:
    conv = await conversations.current(ctx, event.chat_id)
    if conv is None or conv.kind != KIND:
        raise DomainError("error-stale-button")
    step = payload.parts[0] if payload.parts else ""
    locale = ctx.locale_of(ctx.member)
    ctx.answer(event.callback_id)
    if step == "grid":
        grid_id = payload.int_at(1)
        if grid_id not in {g.id for g in await grids_of(ctx, ctx.member)}:
            raise DomainError("error-not-member-of-grid")
        await conversations.advance(ctx, conv, "describe", grid_id=grid_id)
        await _after_grid(event.chat_id, ctx, conv)
    elif step == "cancel":
        await conversations.finish(ctx, conv)
        ctx.send(event.chat_id, ctx.tr(locale, "cancel-done"))
    elif step in {"submit", "named"} and conv.step == "confirm":
        await conversations.advance(ctx, conv, "confirm", named=step == "named")
        await _submit(event.chat_id, ctx, conv)
    elif step == "same" and conv.step == DUP_CHECK:
        await _plus_one(event.chat_id, ctx, conv)
    elif step == "new" and conv.step == DUP_CHECK:
        await _create(event.chat_id, ctx, conv)
    else:
        raise DomainError("error-stale-button")


async def _submit(chat_id: str, ctx: Ctx, conv: Conversation) -> None:
    """Ask "same as …?" when an open ticket looks the same; an emergency never waits."""
    data = conversations.data_of(conv)
    candidate = await find_duplicate(ctx, data["grid_id"], data["description"], _location(data))
    if candidate is not None and not emergency.is_emergency(data["description"]):
        await conversations.advance(ctx, conv, DUP_CHECK, candidate_id=candidate.id)
        await _ask_same(chat_id, ctx, conv)
        return
    await _create(chat_id, ctx, conv, maybe_same=candidate)


def _location(data: dict) -> Location | None:
    return Location(**data["location"]) if data.get("location") else None


async def _ask_same(chat_id: str, ctx: Ctx, conv: Conversation) -> None:
    candidate = await ctx.session.get(Ticket, conversations.data_of(conv)["candidate_id"])
    text, buttons = offer(ctx, ctx.locale_of(ctx.member), candidate,
                          callbacks.private_report("same"), callbacks.private_report("new"))
    await conversations.say(ctx, conv, text, buttons)


async def _plus_one(chat_id: str, ctx: Ctx, conv: Conversation) -> None:
    data = conversations.data_of(conv)
    target = await still_open(ctx, data["candidate_id"])
    if target is None:  # closed meanwhile: the report becomes a ticket of its own
        await _create(chat_id, ctx, conv)
        return
    ctx.send(chat_id, await plus_one(ctx, target, ctx.member, data["photos"]))
    await conversations.finish(ctx, conv)
    await refresh_card(ctx, target)  # its count of reporters went up


async def _create(chat_id: str, ctx: Ctx, conv: Conversation,
                  maybe_same: Ticket | None = None) -> None:
    data = conversations.data_of(conv)
    await flood_cap.check(ctx, data["description"])  # a report begun before the cap was hit
    location = _location(data)
    report = NewReport(
        grid_id=data["grid_id"],
        reporter=ctx.member,
        text=data["description"],
        photos=tuple(PhotoRef(**p) for p in data["photos"]),
        source_chat_id=chat_id,
        source_message_id=None,
        location=location,
    )
    ticket = await create_ticket(ctx, report)
    # issue 8 (journeys-b): groups see a private report masked, and nameless unless chosen.
    ticket.private_report, ticket.reporter_named = True, bool(data.get("named"))
    ctx.session.add(ticket)
    await conversations.finish(ctx, conv)
    await announce_new_ticket(ctx, ticket, reply_in_chat=None, maybe_same=maybe_same)


conversations.register(KIND, continue_report)
