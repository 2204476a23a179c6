"""Who sees what: staff-only messages never reach a residents' group.

Public messages (the card, the confirmation, the rating request) go to the grid's residents'
groups. Staff-only ones (reminders, breach notices, escalations, emergency alerts, digests,
who holds what) go to the person's private chat; failing that, by name in the nearest staff
group (`/bind CODE staff`) over the area; failing that, nowhere: the message is recorded in
undeliverable_notice, which `gridbot check` lists (undeliverable_notices below).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.context import Ctx
from handlers.events import Keyboard
from handlers.members import STAFF_GROUP, area_chain
from handlers.org_cache import GroupInfo, groups_of_area
from models.message_limits import TEXT_LIMIT, shorten
from models.org import Member
from models.ticket import UndeliverableNotice


async def staff_groups_of(ctx: Ctx, area_id: int) -> list[GroupInfo]:
    return [g for g in await groups_of_area(ctx, area_id) if g.purpose == STAFF_GROUP]


async def staff_groups_over(ctx: Ctx, area_id: int) -> list[GroupInfo]:
    """The staff groups of the nearest area, from `area_id` up, that has any."""
    for area in await area_chain(ctx, area_id):
        if groups := await staff_groups_of(ctx, area):
            return groups
    return []


async def reach_staff(ctx: Ctx, member: Member, area_id: int, text: str, *, kind: str,
                      buttons: Keyboard = (), ticket_id: int | None = None,
                      ref: str | None = None) -> bool:
    """A staff-only message to one person; returns whether it went anywhere."""
    text = shorten(text, TEXT_LIMIT)
    if member.private_chat_id:
        ctx.send(member.private_chat_id, text, buttons, ref=ref, ticket_id=ticket_id)
        return True
    groups = await staff_groups_over(ctx, area_id)
    for group in groups:
        locale = group.locale or ctx.config.default_locale
        named = ctx.tr(locale, "mention-prefix", name=member.display_name) + text
        ctx.send(group.chat_id, shorten(named, TEXT_LIMIT), buttons, ticket_id=ticket_id)
    if not groups:
        record_undeliverable(ctx, kind, area_id, text, ticket_id=ticket_id, member_id=member.id)
    return bool(groups)


def record_undeliverable(ctx: Ctx, kind: str, area_id: int, text: str, *,
                         ticket_id: int | None = None, member_id: int | None = None) -> None:
    ctx.session.add(UndeliverableNotice(kind=kind, area_id=area_id, ticket_id=ticket_id,
                                        member_id=member_id, text=text, at=ctx.now))


async def undeliverable_notices(session: AsyncSession,
                                since: datetime | None = None) -> list[UndeliverableNotice]:
    """Staff-only messages nobody could be reached for, oldest first (for `gridbot check`)."""
    query = select(UndeliverableNotice).order_by(UndeliverableNotice.id)
    if since is not None:
        query = query.where(UndeliverableNotice.at >= since)
    return list((await session.exec(query)).all())
