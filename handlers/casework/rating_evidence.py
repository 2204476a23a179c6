"""What the resident sees before rating: the worker's note and the after-photos themselves,
so that the rating judges what was done; and, after 不合格, where the ticket went and by when."""

from __future__ import annotations

from sqlmodel import func, select

from handlers.cards import local_time
from handlers.context import Ctx
from handlers.events import OutPhoto
from models.message_limits import ALBUM_LIMIT
from models.org import Member
from models.privacy import mask_contacts
from models.ticket import Photo, Ticket

NOTE_SHOWN = 300  # a rating request stays readable; the whole note is on /ticket


async def what_was_done(ctx: Ctx, ticket: Ticket, locale: str) -> list[str]:
    lines = []
    if ticket.close_note:
        # The request can land in the group by name: no phone or ID number there.
        note = mask_contacts(ticket.close_note)
        if len(note) > NOTE_SHOWN:
            note = note[:NOTE_SHOWN] + "…"
        lines.append(ctx.tr(locale, "rate-evidence-note", note=note))
    photos = (await ctx.session.exec(
        select(func.count()).select_from(Photo)
        .where(Photo.ticket_id == ticket.id, Photo.stage == "after"))).one()
    if photos:
        lines.append(ctx.tr(locale, "rate-evidence-photos", count=photos,
                            number=ticket.number))
    if not lines:
        lines.append(ctx.tr(locale, "rate-evidence-none"))
    return lines


async def after_photos(ctx: Ctx, ticket: Ticket) -> tuple[OutPhoto, ...]:
    """The first ALBUM_LIMIT after-photos, as one album. A photo that came from the platform
    the request goes to is re-sent by its file id (no upload; it need not be downloaded yet);
    one from another platform only once the media fetcher has stored it."""
    rows = (await ctx.session.exec(
        select(Photo).where(Photo.ticket_id == ticket.id, Photo.stage == "after")
        .order_by(Photo.id))).all()
    shown = []
    for photo in rows:
        same_platform = photo.platform == ctx.platform
        if same_platform or photo.stored_path:
            shown.append(OutPhoto(file_id=photo.file_id if same_platform else None,
                                  media_path=photo.stored_path))
    return tuple(shown[:ALBUM_LIMIT])


async def rework_told(ctx: Ctx, ticket: Ticket, locale: str, level_label: str) -> str:
    """The rater's own poll after 不合格: back for rework, to whom, and the new deadline."""
    holder = await ctx.session.get(Member, ticket.assignee_id) if ticket.assignee_id else None
    return ctx.tr(locale, "rate-recorded-rework", number=ticket.number, level=level_label,
                  name=holder.display_name if holder else ctx.tr(locale, "rate-rework-grid"),
                  due=local_time(ctx, ticket.due_at) if ticket.due_at else "—")
