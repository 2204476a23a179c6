"""One matter, one ticket: a second report of it is offered as a +1, and staff can merge.

A report waiting for its author's answer to "和 G0102-0042 是同一件事吗？" is kept where it
already was: a group report in its Draft with status "dup_check", and `Draft.ticket_id`
holding the candidate ticket while (and only while) the status is "dup_check". After [是，+1]
the status is "followed" and ticket_id the ticket followed; after [不是] it is "confirmed" and
ticket_id the new ticket. A private guided report waits in its Conversation (step
"dup_check", the candidate in its data), which also keeps the grid and the location.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import select

from handlers.cards import refresh_card
from handlers.context import Config, Ctx
from handlers.events import Button, Keyboard, Location, MessageIn, PhotoRef
from handlers.followers import follower_count, reporters_of
from handlers.members import capacities_for, follows
from handlers.notify import reach
from handlers.tickets import attach_photos, find_by_number, transition
from models.categories import OTHER, guess_category
from models.duplicates import MatchRule, Probe, best_duplicate
from models.lifecycle import FINAL_STATUSES, OPEN_STATUSES, Action, Capacity, DomainError, Status
from models.message_limits import shorten
from models.org import Member
from models.privacy import public_text
from models.ticket import Ticket, TicketFollower

PLUS_ONE = "plus_one"
MERGED = "merged"


def match_rule(config: Config) -> MatchRule:
    return MatchRule(timedelta(hours=config.duplicate_window_hours), config.duplicate_radius_m)


async def find_duplicate(
    ctx: Ctx, grid_id: int, text: str, location: Location | None = None
) -> Ticket | None:
    """The open ticket the member's report is most likely about, or None.

    Tickets the member already reported or follows are left out: [是，+1] could add nothing
    there, so a second report of theirs is taken to be about something else.
    """
    guessed = guess_category(text)
    code = guessed.code if guessed else OTHER
    if code == OTHER or ctx.config.duplicate_window_hours <= 0:
        return None
    rule = match_rule(ctx.config)
    probe = Probe(grid_id, code, ctx.now, location.lat if location else None,
                  location.lon if location else None)
    rows = await ctx.session.exec(_OPEN_LOOKALIKES, params={
        "grid_id": grid_id, "code": code, "since": ctx.now - rule.window,
        "member_id": ctx.member.id})
    return best_duplicate(probe, rows.all(), rule)


# Built once: every group report asks it (bindparams instead of a new select() per report).
_OPEN_LOOKALIKES = select(Ticket).where(
    Ticket.grid_id == bindparam("grid_id"),
    Ticket.category == bindparam("code"),
    Ticket.status.in_([s.value for s in OPEN_STATUSES]),
    Ticket.created_at >= bindparam("since"),
    Ticket.reporter_id != bindparam("member_id"),
    Ticket.id.not_in(select(TicketFollower.ticket_id).where(
        TicketFollower.member_id == bindparam("member_id"))),
).order_by(Ticket.id.desc())  # among equals, the newest: min() keeps the first


def offer(ctx: Ctx, locale: str, ticket: Ticket, same: str, new: str) -> tuple[str, Keyboard]:
    """The question and its two buttons; `same` and `new` are the buttons' payloads."""
    text = ctx.tr(locale, "dup-offer", name=ctx.member.display_name, number=ticket.number,
                  text=shorten(public_text(ticket.text, private_report=ticket.private_report),
                               60) or "—", time=_local(ctx, ticket))
    buttons = ((Button(ctx.tr(locale, "dup-button-same"), same),
                Button(ctx.tr(locale, "dup-button-new"), new)),)
    return text, buttons


def _local(ctx: Ctx, ticket: Ticket) -> str:
    # Not cards.local_time: cards shows follower_count, so importing cards here would loop.
    return ticket.created_at.astimezone(ZoneInfo(ctx.config.timezone)).strftime("%m-%d %H:%M")


def draft_choice(choice: str, draft_id: int) -> str:
    """[是，+1] ("y") or [不是] ("n") on a group report waiting in its draft."""
    return f"dup:{choice}:{draft_id}"


async def still_open(ctx: Ctx, ticket_id: int) -> Ticket | None:
    """The ticket to follow: the candidate, or what staff merged it into meanwhile."""
    ticket = await ctx.session.get(Ticket, ticket_id)
    for _ in range(5):  # a merge chain is short; a loop in forged data must not hang us
        if ticket is None or ticket.duplicate_of_id is None:
            break
        ticket = await ctx.session.get(Ticket, ticket.duplicate_of_id)
    return ticket if ticket is not None and ticket.status in OPEN_STATUSES else None


async def follow(ctx: Ctx, ticket: Ticket, member: Member, reason: str = PLUS_ONE) -> bool:
    """Link the member to the ticket; False when they already were (or reported it)."""
    if member.id == ticket.reporter_id or await follows(ctx, ticket.id, member.id):
        return False
    ctx.session.add(TicketFollower(ticket_id=ticket.id, member_id=member.id, reason=reason,
                                   at=ctx.now))
    await ctx.session.flush()
    return True


async def plus_one(ctx: Ctx, ticket: Ticket, member: Member, photos=()) -> str:
    """[是，+1]: follow the ticket, keep the photos as evidence, and say how many reported it."""
    added = await follow(ctx, ticket, member)
    await attach_photos(ctx, ticket, tuple(PhotoRef(**p) if isinstance(p, dict) else p
                                           for p in photos), stage="before")
    count = 1 + await follower_count(ctx, ticket.id)
    key = "dup-followed" if added else "dup-already"
    return ctx.tr(ctx.locale_of(member), key, number=ticket.number, count=count)


async def merge_command(event: MessageIn, ctx: Ctx, args: str) -> None:
    """/merge DUPLICATE KEPT: staff mark a fresh ticket a duplicate of another; everyone who
    reported it then follows the one that is kept."""
    locale = ctx.locale_of(ctx.member)
    reply_to = None if event.is_private else event.message_id
    numbers = args.split()
    if len(numbers) != 2:
        ctx.send(event.chat_id, ctx.tr(locale, "merge-usage"), reply_to=reply_to)
        return
    old, kept = await find_by_number(ctx, numbers[0]), await find_by_number(ctx, numbers[1])
    if old.id == kept.id:
        raise DomainError("merge-same", number=old.number)
    for ticket in (old, kept):
        if Capacity.STAFF not in await capacities_for(ctx, ctx.member, ticket):
            raise DomainError("error-not-staff", number=ticket.number)
    if kept.status in FINAL_STATUSES:
        raise DomainError("error-ticket-closed", number=kept.number)
    if old.status != Status.NEW:  # MARK_DUPLICATE only takes NEW: nobody is working on it
        raise DomainError("merge-not-new", number=old.number,
                          status=ctx.tr(locale, f"status-{old.status}"))
    old = await transition(ctx, old.id, Action.MARK_DUPLICATE, ctx.member, note=kept.number,
                           duplicate_of_id=kept.id)
    moved = await _move_people(ctx, old, kept)
    count = 1 + await follower_count(ctx, kept.id)
    ctx.send(event.chat_id, ctx.tr(locale, "merge-done", old=old.number, number=kept.number,
                                   count=count), reply_to=reply_to)
    for member in moved:
        await reach(ctx, member, kept, "merge-notice", old=old.number, number=kept.number)
    await refresh_card(ctx, old)
    await refresh_card(ctx, kept)


async def _move_people(ctx: Ctx, old: Ticket, kept: Ticket) -> list[Member]:
    """The duplicate's reporter and followers become followers of the kept ticket."""
    moved = []
    for member in await reporters_of(ctx, old):
        reason = MERGED if member.id == old.reporter_id else PLUS_ONE
        if await follow(ctx, kept, member, reason):
            moved.append(member)
    for row in (await ctx.session.exec(
            select(TicketFollower).where(TicketFollower.ticket_id == old.id))).all():
        await ctx.session.delete(row)
    await ctx.session.flush()
    return moved
