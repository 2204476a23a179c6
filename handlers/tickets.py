"""Creating tickets and moving them through the lifecycle, with the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, update
from sqlmodel import select

from handlers.context import Ctx
from handlers.deadlines import schedule, schedule_new
from handlers.events import Location, PhotoRef
from models import core_sql
from models.categories import OTHER, guess_category
from models.lifecycle import Action, Capacity, DomainError, Status, next_status
from models.org import Area, Member
from models.ticket import Photo, Ticket, TicketEvent
from models.types import TEXT_LIMIT


@dataclass(frozen=True)
class NewReport:
    grid_id: int
    reporter: Member
    text: str
    photos: tuple[PhotoRef, ...]
    source_chat_id: str
    source_message_id: str | None
    location: Location | None = None


async def next_number(ctx: Ctx, grid_id: int) -> str:
    # One UPDATE ... RETURNING: the row lock (PostgreSQL) or the write lock (SQLite) makes
    # concurrent reports in one grid get distinct, gapless numbers.
    rows = await core_sql.run(ctx.session, "tickets.next_number", _next_number, grid_id=grid_id)
    code, seq = rows[0]
    return f"{code}-{seq:04d}"


def _next_number(_dialect: str):
    areas = Area.__table__.c
    return (update(Area.__table__).where(areas.id == bindparam("grid_id"))
            .values(ticket_seq=areas.ticket_seq + 1).returning(areas.code, areas.ticket_seq))


async def create_ticket(ctx: Ctx, report: NewReport) -> Ticket:
    guessed = guess_category(report.text)
    now = ctx.now
    ticket = Ticket(
        number=await next_number(ctx, report.grid_id),
        grid_id=report.grid_id,
        reporter_id=report.reporter.id,
        text=report.text.strip()[:TEXT_LIMIT],
        category=guessed.code if guessed else OTHER,
        urgent=bool(guessed and guessed.urgent),
        status=Status.NEW,
        latitude=report.location.lat if report.location else None,
        longitude=report.location.lon if report.location else None,
        source_platform=ctx.platform,
        source_chat_id=report.source_chat_id,
        source_message_id=report.source_message_id,
        created_at=now,
        updated_at=now,
    )
    schedule_new(ctx, ticket)  # its deadlines go in with the INSERT, not in an UPDATE after
    await core_sql.insert_loaded(ctx.session, ticket)
    ctx.fresh_tickets.add(ticket.id)
    await core_sql.insert_row(ctx.session, TicketEvent(
        ticket_id=ticket.id, actor_id=report.reporter.id, action="report",
        to_status=Status.NEW, at=now))
    await attach_photos(ctx, ticket, report.photos, stage="before")
    return ticket


async def attach_photos(ctx: Ctx, ticket: Ticket, photos, stage: str) -> None:
    """Keep each photo once (by its unique id); the media fetcher downloads them later."""
    if not photos:
        return
    existing = set()
    if ticket.id not in ctx.fresh_tickets:  # photos given to this new ticket are in `photos`
        existing = set((await ctx.session.exec(
            select(Photo.file_unique_id).where(Photo.ticket_id == ticket.id))).all())
    for photo in photos:
        if photo.file_unique_id in existing:
            continue
        existing.add(photo.file_unique_id)
        ctx.session.add(
            Photo(
                ticket_id=ticket.id,
                stage=stage,
                platform=ctx.platform,
                file_id=photo.file_id,
                file_unique_id=photo.file_unique_id,
                width=photo.width,
                height=photo.height,
                next_attempt_at=ctx.now,
                created_at=ctx.now,
            )
        )
    await ctx.session.flush()


async def transition(
    ctx: Ctx,
    ticket_id: int,
    action: Action,
    actor: Member | None,
    note: str | None = None,
    capacities: set[Capacity] | None = None,
    **changes,
) -> Ticket:
    """Apply one lifecycle action, or raise a DomainError saying why not.

    The UPDATE carries the version that was read, so when two people act at the same moment
    exactly one wins; the loser re-reads and is judged against the new state.
    """
    from handlers.members import capacities_for

    for _ in range(3):
        ticket = await load_ticket(ctx, ticket_id)
        if capacities is None:
            caps = {Capacity.SYSTEM} if actor is None else await capacities_for(ctx, actor, ticket)
        else:
            caps = capacities
        source = ticket.status  # read now: the ORM UPDATE below syncs the loaded object
        target = next_status(source, action, caps)
        result = await ctx.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id, Ticket.version == ticket.version)
            .values(status=target, version=ticket.version + 1, updated_at=ctx.now, **changes)
        )
        if result.rowcount == 1:
            ctx.session.add(
                TicketEvent(
                    ticket_id=ticket.id,
                    actor_id=actor.id if actor else None,
                    action=action.value,
                    from_status=source,
                    to_status=target,
                    note=note,
                    at=ctx.now,
                )
            )
            await ctx.session.flush()
            ticket = await load_ticket(ctx, ticket_id)
            if action == Action.RESOLVE and source == Status.NEW and not ticket.department_id:
                ticket.on_the_spot = True  # 即知即办: fixed by whoever saw it, no dispatch
            await schedule(ctx, ticket)
            await ctx.session.flush()
            return ticket
    raise DomainError("error-busy")


async def load_ticket(ctx: Ctx, ticket_id: int) -> Ticket:
    ticket = await ctx.session.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None:
        raise DomainError("error-stale-button")
    return ticket


async def find_by_number(ctx: Ctx, number: str) -> Ticket:
    ticket = (
        await ctx.session.exec(select(Ticket).where(Ticket.number == number.strip().upper()))
    ).first()
    if ticket is None:
        raise DomainError("error-unknown-ticket", number=number.strip())
    return ticket
