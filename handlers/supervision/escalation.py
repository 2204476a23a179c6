"""Up the tiers: grid → community → street → district (小事不出社区、大事不出街道).

Used by the SLA sweep when a deadline is missed by the policy's margin, and by /escalate.
Each tier is an area of the grid's chain; its leaders, admins and command centre are told
(privately, or by name in a staff group) and so is any staff group bound to that area. Never
a residents' group: what they see is the card, which shows the tier.
"""

from __future__ import annotations

from handlers.cards import render_card
from handlers.context import Ctx
from handlers.members import area_chain, members_with_role
from handlers.org_cache import AreaInfo
from handlers.org_cache import area as org_area
from handlers.routing import reach_staff, record_undeliverable, staff_groups_of
from models.lifecycle import DomainError
from models.org import Role
from models.ticket import Ticket, TicketEvent

TIERS = ("grid", "community", "street", "district")
TIER_RECEIVERS = {Role.LEADER, Role.ADMIN, Role.COMMAND}


async def tier_area(ctx: Ctx, ticket: Ticket, tier: str) -> AreaInfo | None:
    """From the org cache (the chain is there already): no query per tier."""
    for area_id in await area_chain(ctx, ticket.grid_id):
        area = await org_area(ctx, area_id)
        if area.kind == tier:
            return area
    return None


def next_tier(current: str) -> str | None:
    index = TIERS.index(current) if current in TIERS else 0
    return TIERS[index + 1] if index + 1 < len(TIERS) else None


async def escalate(ctx: Ctx, ticket: Ticket, to: str, reason: str,
                   card: str | None) -> AreaInfo:
    """Move the ticket to tier `to` and tell that tier; raises when the org has no such level."""
    area = await tier_area(ctx, ticket, to)
    if area is None:
        raise DomainError("error-no-tier", tier=to)
    ticket.tier, ticket.tier_area_id = to, area.id
    ctx.session.add(ticket)
    note = f"{area.name}: {reason}" + (f" ({card})" if card else "")
    ctx.session.add(TicketEvent(ticket_id=ticket.id, actor_id=ctx.member.id if ctx.member else None,
                                action="escalate", from_status=ticket.status,
                                to_status=ticket.status, note=note[:2000], at=ctx.now))
    reached = False
    for member in await members_with_role(ctx, TIER_RECEIVERS, area.id):
        locale = ctx.locale_of(member)
        text, buttons = await render_card(ctx, ticket, locale, staff=True)
        head = _headline(ctx, locale, ticket, area, reason, card)
        reached = await reach_staff(ctx, member, area.id, f"{head}\n{text}", kind="escalation",
                                    buttons=buttons, ticket_id=ticket.id) or reached
    # Staff groups of that tier only: the residents see the tier on the card, not the notice.
    for group in await staff_groups_of(ctx, area.id):
        locale = group.locale or ctx.config.default_locale
        ctx.send(group.chat_id, _headline(ctx, locale, ticket, area, reason, card),
                 ticket_id=ticket.id)
        reached = True
    if not reached:
        record_undeliverable(ctx, "escalation", area.id,
                             _headline(ctx, ctx.config.default_locale, ticket, area, reason, card),
                             ticket_id=ticket.id)
    return area


def _headline(ctx: Ctx, locale: str, ticket: Ticket, area: AreaInfo, reason: str,
              card) -> str:
    return ctx.tr(locale, "escalated", number=ticket.number, area=area.name, reason=reason,
                  card=ctx.tr(locale, f"supervision-{card}") if card else "none")
