"""When a private message cannot be delivered (the person blocked the bot, 403).

The sender marks the row undeliverable and calls this. We stop writing to that private chat,
note it on the ticket's audit trail, and reach the person in their grid's group instead,
so a resident who blocked the bot still gets asked to rate the work. Staff are reached only
in a staff group (handlers.routing): what they were sent is not for residents.
"""

from __future__ import annotations

from sqlmodel import select

from handlers.context import Ctx, Deps
from handlers.events import SendPhotos, SendText, from_json
from handlers.members import capacities_for, roles_over
from handlers.notify import places_to_reach, reach
from handlers.outbox import write_outbox
from models.lifecycle import Capacity
from models.messaging import OutboxMessage
from models.org import Member, Role
from models.ticket import Ticket, TicketEvent


async def on_undeliverable(deps: Deps, outbox_id: int) -> None:
    async with deps.session_factory() as session, session.begin():
        row = await session.get(OutboxMessage, outbox_id)
        if row is None:
            return
        ctx = Ctx(session=session, deps=deps, platform=row.platform)
        # By user id too: once a first 403 cleared private_chat_id, later rows already queued
        # for that chat must still find their person (a private chat's id is the user's id).
        member = (
            await session.exec(
                select(Member).where(
                    Member.platform == row.platform,
                    (Member.private_chat_id == row.chat_id)
                    | (Member.platform_user_id == row.chat_id),
                )
            )
        ).first()
        if member is None:
            return  # a group we were removed from: nobody to reach another way
        member.private_chat_id = None
        session.add(member)
        action = from_json(row.payload)
        ticket = await session.get(Ticket, row.ticket_id) if row.ticket_id else None
        if ticket is not None and isinstance(action, SendText):
            session.add(
                TicketEvent(ticket_id=ticket.id, actor_id=None, action="undeliverable",
                            from_status=ticket.status, to_status=ticket.status,
                            note=member.display_name, at=ctx.now)
            )
            staff = await capacities_for(ctx, member, ticket) & {Capacity.STAFF,
                                                                   Capacity.SUPERVISOR}
            liaison = Role.LIAISON in await roles_over(ctx, member, ticket.grid_id)
            await reach(ctx, member, ticket, None, raw=action.text, buttons=action.buttons,
                        ref=action.ref, staff="blocked" if staff or liaison else None)
        if ticket is not None and isinstance(action, SendPhotos):
            # The after-photos before a rating request: they go where the request will go.
            for place in await places_to_reach(ctx, member, ticket):
                ctx.send_photos(place.chat_id, action.media, action.caption,
                                reply_to=place.reply_to, ticket_id=ticket.id)
        await write_outbox(session, ctx.actions, ctx.now)
    deps.notify()
