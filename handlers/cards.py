"""The ticket card: one living message per ticket in its grid's group, edited in place."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers import callbacks
from handlers.card_deadline import deadline_lines, promise_line, tell_community_if_no_worker
from handlers.context import Ctx
from handlers.departments import HELPER, LEAD, department_label, departments_on
from handlers.events import Button, Keyboard
from handlers.followers import follower_count
from handlers.members import groups_of_grid
from handlers.org_cache import area as org_area
from models.lifecycle import OPEN_STATUSES, Status
from models.message_limits import TEXT_LIMIT, shorten
from models.org import Department, Member
from models.privacy import public_text
from models.ticket import Ticket

# How much of the report a card repeats: a group card stays short (the rest: /ticket NUMBER);
# a staff card leaves room under Telegram's 4,096 for the lines around the report.
PUBLIC_TEXT_LIMIT = 200
STAFF_TEXT_LIMIT = 3000

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


async def render_card(ctx: Ctx, ticket: Ticket, locale: str,
                      staff: bool = False) -> tuple[str, Keyboard]:
    """The card as a group sees it, or with staff=True as staff see it privately: the whole
    report (as much as fits) and the reporter's name."""
    reporter = await ctx.session.get(Member, ticket.reporter_id)
    holder = await ctx.session.get(Member, ticket.assignee_id) if ticket.assignee_id else None
    text = ticket.text if staff else public_text(ticket.text, private_report=ticket.private_report)
    shown = _short(text, STAFF_TEXT_LIMIT if staff else PUBLIC_TEXT_LIMIT)
    lines = [
        ctx.tr(
            locale,
            "card-title",
            number=ticket.number,
            category=ctx.tr(locale, f"category-{ticket.category}"),
            urgent="yes" if ticket.urgent else "no",
        ),
        ctx.tr(locale, "card-text", text=shown or "—"),
    ]
    if shown != " ".join(text.split()):
        lines.append(ctx.tr(locale, "card-full-text", number=ticket.number))
    if ticket.private_report and not staff:
        grid = await org_area(ctx, ticket.grid_id)
        lines.append(ctx.tr(locale, "card-grid", grid=grid.name))
    anonymous = ticket.private_report and not ticket.reporter_named and not staff
    lines.append(ctx.tr(
        locale,
        "card-reporter",
        name=ctx.tr(locale, "card-reporter-anonymous") if anonymous
        else (reporter.display_name if reporter else "?"),
        time=local_time(ctx, ticket.created_at),
    ))
    fresh = ticket.id in ctx.fresh_tickets  # nobody can follow it or hold it for a department
    if not fresh and (others := await follower_count(ctx, ticket.id)):
        lines.append(ctx.tr(locale, "card-followers", count=others))
    lines.append(ctx.tr(locale, "card-status", status=ctx.tr(locale, f"status-{ticket.status}")))
    if Status(ticket.status) in OPEN_STATUSES:
        lines.extend(await deadline_lines(ctx, ticket, locale))
    if holder is not None:
        lines.append(ctx.tr(locale, "card-holder", name=holder.display_name))
    if not fresh:
        lines.extend(await _department_lines(ctx, ticket, locale))
    if ticket.status == Status.NEW:
        if ticket.return_reason:
            lines.append(ctx.tr(locale, "return-card-reason", reason=ticket.return_reason))
        if promise := await promise_line(ctx, ticket, locale):
            lines.append(promise)
    elif ticket.status == Status.RESOLVED:
        lines.append(ctx.tr(locale, "card-awaiting-rating"))
    elif ticket.status == Status.REJECTED and ticket.reject_reason:
        lines.append(ctx.tr(locale, "card-reject-reason", reason=ticket.reject_reason))
    elif ticket.status == Status.DUPLICATE and ticket.duplicate_of_id:
        kept = await ctx.session.get(Ticket, ticket.duplicate_of_id)
        lines.append(ctx.tr(locale, "card-duplicate-of", number=kept.number))
    if ticket.rating:
        lines.append(ctx.tr(locale, "card-rating", level=ctx.tr(locale, f"rating-{ticket.rating}")))
    return shorten("\n".join(lines), TEXT_LIMIT), _buttons(ctx, ticket, locale)


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


def _buttons(ctx: Ctx, ticket: Ticket, locale: str) -> Keyboard:
    rows = _BUTTONS_BY_STATUS.get(Status(ticket.status), ())
    return tuple(
        tuple(
            Button(ctx.tr(locale, f"button-{action}"), callbacks.ticket_action(action, ticket.id))
            for action in row
        )
        for row in rows
    )


def _short(text: str, limit: int) -> str:
    return shorten(" ".join(text.split()), limit)


async def publish_card(ctx: Ctx, ticket: Ticket, reply_in_chat: str | None = None) -> None:
    """Post the card in every residents' group bound to the ticket's grid."""
    await tell_community_if_no_worker(ctx, ticket)
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
