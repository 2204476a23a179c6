"""The ticket card: one living message per ticket in its grid's group, edited in place."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers import callbacks
from handlers.context import Ctx
from handlers.departments import HELPER, LEAD, department_label, departments_on
from handlers.duplicates import follower_count
from handlers.events import Button, Keyboard
from handlers.members import groups_of_grid, members_with_role
from handlers.sla import on_site_promise
from models.lifecycle import Status
from models.org import Area, Department, Member, Role
from models.ticket import Ticket

# Which staff buttons a card shows in each status; the press is still checked on arrival.
_BUTTONS_BY_STATUS = {
    Status.NEW: (("take", "done"), ("disp", "rej")),
    Status.TAKEN: (("site", "done"), ("disp", "rej")),
    Status.ON_SITE: (("done",), ("disp", "rej")),
    Status.REOPENED: (("site", "done"), ("disp",)),
}


def card_ref(ticket: Ticket) -> str:
    return f"card:{ticket.id}"


def local_time(ctx: Ctx, when) -> str:
    return when.astimezone(ZoneInfo(ctx.config.timezone)).strftime("%m-%d %H:%M")


async def render_card(ctx: Ctx, ticket: Ticket, locale: str) -> tuple[str, Keyboard]:
    reporter = await ctx.session.get(Member, ticket.reporter_id)
    holder = await ctx.session.get(Member, ticket.assignee_id) if ticket.assignee_id else None
    lines = [
        ctx.tr(
            locale,
            "card-title",
            number=ticket.number,
            category=ctx.tr(locale, f"category-{ticket.category}"),
            urgent="yes" if ticket.urgent else "no",
        ),
        ctx.tr(locale, "card-text", text=_short(ticket.text) or "—"),
        ctx.tr(
            locale,
            "card-reporter",
            name=reporter.display_name if reporter else "?",
            time=local_time(ctx, ticket.created_at),
        ),
    ]
    if others := await follower_count(ctx, ticket.id):
        lines.append(ctx.tr(locale, "card-followers", count=others))
    lines.append(ctx.tr(locale, "card-status", status=ctx.tr(locale, f"status-{ticket.status}")))
    if holder is not None:
        lines.append(ctx.tr(locale, "card-holder", name=holder.display_name))
    lines.extend(await _department_lines(ctx, ticket, locale))
    if ticket.status == Status.NEW:
        if ticket.return_reason:
            lines.append(ctx.tr(locale, "return-card-reason", reason=ticket.return_reason))
        lines.append(await _promise_line(ctx, ticket, locale))
    elif ticket.status == Status.RESOLVED:
        lines.append(ctx.tr(locale, "card-awaiting-rating"))
    elif ticket.status == Status.REJECTED and ticket.reject_reason:
        lines.append(ctx.tr(locale, "card-reject-reason", reason=ticket.reject_reason))
    elif ticket.status == Status.DUPLICATE and ticket.duplicate_of_id:
        kept = await ctx.session.get(Ticket, ticket.duplicate_of_id)
        lines.append(ctx.tr(locale, "card-duplicate-of", number=kept.number))
    if ticket.rating:
        lines.append(ctx.tr(locale, "card-rating", level=ctx.tr(locale, f"rating-{ticket.rating}")))
    return "\n".join(lines), _buttons(ctx, ticket, locale)


async def _department_lines(ctx: Ctx, ticket: Ticket, locale: str) -> list[str]:
    """已转派 供暖 · 联络员 王某, then the helping departments (大事合办、难事协办)."""
    lines, helpers = [], []
    for row in await departments_on(ctx, ticket.id):
        is_lead = row.role == LEAD and row.department_id == ticket.department_id
        if not is_lead and row.role != HELPER:
            continue  # a department that returned it or was replaced: in the history only
        department = await ctx.session.get(Department, row.department_id)
        liaison = await ctx.session.get(Member, row.liaison_id) if row.liaison_id else None
        name = liaison.display_name if liaison else "?"
        label = department_label(locale, department)
        if is_lead:
            lines.append(ctx.tr(locale, "dispatch-card-line", department=label, name=name))
        else:
            helpers.append(ctx.tr(locale, "assist-card-item", department=label, name=name))
    if ticket.department_id and not lines:  # handed off before departments had rows
        department = await ctx.session.get(Department, ticket.department_id)
        lines.append(ctx.tr(locale, "card-department", department=department.name))
    if helpers:
        sep = ctx.tr(locale, "dispatch-list-sep")
        lines.append(ctx.tr(locale, "assist-card-line", departments=sep.join(helpers)))
    return lines


async def _promise_line(ctx: Ctx, ticket: Ticket, locale: str) -> str:
    workers = await members_with_role(ctx, {Role.WORKER}, ticket.grid_id)
    grid = await ctx.session.get(Area, ticket.grid_id)
    name = "、".join(w.display_name for w in workers[:2]) or grid.name
    return ctx.tr(locale, "card-promise", worker=name,
                  within=on_site_promise(ctx, ticket, locale))


def _buttons(ctx: Ctx, ticket: Ticket, locale: str) -> Keyboard:
    rows = _BUTTONS_BY_STATUS.get(Status(ticket.status), ())
    return tuple(
        tuple(
            Button(ctx.tr(locale, f"button-{action}"), callbacks.ticket_action(action, ticket.id))
            for action in row
        )
        for row in rows
    )


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def publish_card(ctx: Ctx, ticket: Ticket, reply_in_chat: str | None = None) -> None:
    """Post the card in every group bound to the ticket's grid."""
    for group in await groups_of_grid(ctx, ticket.grid_id):
        locale = group.locale or ctx.config.default_locale
        text, buttons = await render_card(ctx, ticket, locale)
        reply_to = ticket.source_message_id if group.chat_id == reply_in_chat else None
        ctx.send(group.chat_id, text, buttons, reply_to=reply_to, ref=card_ref(ticket))


async def refresh_card(ctx: Ctx, ticket: Ticket) -> None:
    for group in await groups_of_grid(ctx, ticket.grid_id):
        locale = group.locale or ctx.config.default_locale
        text, buttons = await render_card(ctx, ticket, locale)
        ctx.edit(group.chat_id, card_ref(ticket), text, buttons)
