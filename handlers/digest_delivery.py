"""Delivering a digest once per chat and period, in each reader's locale.

The ref `digest:<cadence>:<area code>:<period>` marks every message, and a chat whose outbox
already holds it is skipped: the chat is part of the key, so the ref needs no member id.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.context import Ctx
from handlers.digest_periods import Period
from handlers.events import SendText
from handlers.routing import record_undeliverable
from models.messaging import OutboxMessage
from models.org import Area, ChatGroup, Member
from models.ticket import UndeliverableNotice


def digest_ref(period: Period, area: Area) -> str:
    # At most 54 characters (area codes are 32 at most): the ref column holds 64.
    return f"digest:{period.cadence}:{area.code}:{period.label}"


async def _already_sent(session: AsyncSession, platform: str, chat_id: str, ref: str) -> bool:
    row = (await session.exec(
        select(OutboxMessage.id).where(OutboxMessage.platform == platform,
                                       OutboxMessage.chat_id == chat_id, OutboxMessage.ref == ref)
        .limit(1)
    )).first()
    return row is not None


async def _send_once(ctx: Ctx, platform: str, chat_id: str, ref: str, text: str) -> None:
    if not await _already_sent(ctx.session, platform, chat_id, ref):
        ctx.actions.append(SendText(platform, chat_id, text, ref=ref))


async def deliver(ctx: Ctx, period: Period, area: Area, render: Callable[[str], str],
                  people: list[Member], groups: list[ChatGroup], *, groups_always: bool) -> None:
    """People privately; those without a private chat by name in the groups of their platform.
    Groups hear it when told always, when someone must be named there, or when nobody has
    the role at all."""
    ref = digest_ref(period, area)
    unreached: dict[str, list[Member]] = {}
    for person in people:
        if person.private_chat_id:
            await _send_once(ctx, person.platform, person.private_chat_id, ref,
                             render(ctx.locale_of(person)))
        else:
            unreached.setdefault(person.platform, []).append(person)
    platforms = {group.platform for group in groups}
    for group in groups:
        named = unreached.get(group.platform, [])
        if not (groups_always or named or not people):
            continue
        locale = group.locale or ctx.config.default_locale
        mentions = "".join(ctx.tr(locale, "mention-prefix", name=m.display_name) for m in named)
        await _send_once(ctx, group.platform, group.chat_id, ref, mentions + render(locale))
    # `groups` are staff groups only: whom none reaches is recorded, never sent to residents.
    nobody = [m for platform, members in unreached.items() if platform not in platforms
              for m in members]
    if not people and not groups:
        nobody = [None]
    for member in nobody:
        await _record_once(ctx, area, member, render(ctx.config.default_locale))


async def _record_once(ctx: Ctx, area: Area, member: Member | None, text: str) -> None:
    member_id = member.id if member else None
    seen = (await ctx.session.exec(select(UndeliverableNotice.id).where(
        UndeliverableNotice.kind == "digest", UndeliverableNotice.area_id == area.id,
        UndeliverableNotice.member_id == member_id, UndeliverableNotice.text == text).limit(1)
    )).first()
    if seen is None:
        record_undeliverable(ctx, "digest", area.id, text, member_id=member_id)
