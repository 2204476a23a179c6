"""Delivering a digest once per chat and period, in each reader's locale.

The ref `digest:<cadence>:<area code>:<period>` marks every message, and a chat whose outbox
already holds it is skipped: the chat is part of the key, so the ref needs no member id.

Routing is worked out before any figure is computed (route, then left_to_do against what a
whole batch has already sent, read in one query): a report whose every chat already has it
costs nothing, so the start-up catch-up and a second run are cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.context import Ctx
from handlers.events import SendText
from handlers.reports.periods import Period
from handlers.routing import record_undeliverable
from models.messaging import OutboxMessage
from models.org import Area, ChatGroup, Member
from models.ticket import UndeliverableNotice

DIGEST_KIND = "digest"  # UndeliverableNotice.kind


def digest_ref(period: Period, area: Area) -> str:
    # At most 54 characters (area codes are 32 at most): the ref column holds 64.
    return f"digest:{period.cadence}:{area.code}:{period.label}"


@dataclass(frozen=True)
class Target:
    platform: str
    chat_id: str
    locale: str
    named: tuple[str, ...] = ()  # people without a private chat, named at the start


@dataclass
class Route:
    targets: list[Target] = field(default_factory=list)
    unreached: list[Member | None] = field(default_factory=list)  # recorded, never sent

    def __bool__(self) -> bool:
        return bool(self.targets or self.unreached)


def route(ctx: Ctx, people: list[Member], groups: list[ChatGroup], *,
          groups_always: bool) -> Route:
    """People privately; those without a private chat by name in the groups of their platform.
    Groups hear it when told always, when someone must be named there, or when nobody has
    the role at all. `groups` are staff groups only: whom none reaches is recorded."""
    plan = Route()
    unreached: dict[str, list[Member]] = {}
    for person in people:
        if person.private_chat_id:
            plan.targets.append(Target(person.platform, person.private_chat_id,
                                       ctx.locale_of(person)))
        else:
            unreached.setdefault(person.platform, []).append(person)
    for group in groups:
        named = unreached.get(group.platform, [])
        if groups_always or named or not people:
            plan.targets.append(Target(group.platform, group.chat_id,
                                       group.locale or ctx.config.default_locale,
                                       tuple(m.display_name for m in named)))
    platforms = {group.platform for group in groups}
    plan.unreached = [m for platform, members in unreached.items() if platform not in platforms
                      for m in members]
    if not people and not groups:
        plan.unreached = [None]
    return plan


def left_to_do(plan: Route, ref: str, area_id: int, sent: set[tuple[str, str, str]],
               recorded: set[tuple[int, int | None]]) -> Route:
    """What a run still has to do: the chats without the ref, the unreached not recorded."""
    return Route([t for t in plan.targets if (t.platform, t.chat_id, ref) not in sent],
                 [m for m in plan.unreached if (area_id, m.id if m else None) not in recorded])


async def sent_refs(session: AsyncSession, refs: list[str]) -> set[tuple[str, str, str]]:
    """(platform, chat, ref) already in the outbox for these refs: one indexed query."""
    if not refs:
        return set()
    rows = await session.exec(select(OutboxMessage.platform, OutboxMessage.chat_id,
                                     OutboxMessage.ref).where(OutboxMessage.ref.in_(refs)))
    return {tuple(row) for row in rows.all()}


async def recorded_for(session: AsyncSession, area_ids: list[int],
                       period: Period) -> set[tuple[int, int | None]]:
    """(area, member) already recorded undeliverable for this period. A run always reports
    the latest period that has ended, so a notice written at or after its end is for it."""
    if not area_ids:
        return set()
    rows = await session.exec(select(UndeliverableNotice.area_id, UndeliverableNotice.member_id)
                              .where(UndeliverableNotice.kind == DIGEST_KIND,
                                     UndeliverableNotice.area_id.in_(area_ids),
                                     UndeliverableNotice.at >= period.end))
    return {tuple(row) for row in rows.all()}


def deliver(ctx: Ctx, area: Area, ref: str, render: Callable[[str], str], plan: Route) -> None:
    """Queue what is left of the plan; each locale's text is rendered once."""
    texts: dict[str, str] = {}

    def text_in(locale: str) -> str:
        if locale not in texts:
            texts[locale] = render(locale)
        return texts[locale]

    for target in plan.targets:
        mentions = "".join(ctx.tr(target.locale, "mention-prefix", name=name)
                           for name in target.named)
        ctx.actions.append(SendText(target.platform, target.chat_id,
                                    mentions + text_in(target.locale), ref=ref))
    for member in plan.unreached:
        record_undeliverable(ctx, DIGEST_KIND, area.id, text_in(ctx.config.default_locale),
                             member_id=member.id if member else None)
