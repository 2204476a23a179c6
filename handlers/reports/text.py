"""The digests' texts, in the reader's locale: every string comes from the catalogs."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from handlers.context import Ctx
from handlers.reports.day_figures import Day
from handlers.reports.figures import Figures
from handlers.reports.periods import DAILY_AT, Period
from handlers.run_ctx import placed
from models.org import Area

MAX_NUMBERS = 8  # per holder in the daily list: a phone screen, not a ledger


def _month_day(day: date) -> str:
    return f"{day:%m-%d}"


def day_text(ctx: Ctx, locale: str, grid: Area, period: Period, day: Day) -> str:
    date_label = _month_day(period.last)
    if not (day.new or day.closed or day.open):
        return placed(ctx, locale, "digest-day-empty", area=grid.name, date=date_label)
    lines = [
        placed(ctx, locale, "digest-day-title", area=grid.name, date=date_label,
               cut=f"{DAILY_AT:%H:%M}"),
        ctx.tr(locale, "digest-day-flow", new=str(day.new), closed=str(day.closed)),
        ctx.tr(locale, "digest-day-open", open=str(len(day.open)), overdue=str(len(day.overdue))),
    ]
    if day.open:
        lines.append(ctx.tr(locale, "digest-day-holders"))
    mark, sep = ctx.tr(locale, "digest-overdue-mark"), ctx.tr(locale, "digest-sep")
    for holder, name in day.holders.items():
        numbers = [t.number + (mark if t.id in day.overdue else "")
                   for t in day.open if t.assignee_id == holder]
        shown = sep.join(numbers[:MAX_NUMBERS])
        if len(numbers) > MAX_NUMBERS:
            shown += ctx.tr(locale, "digest-more", count=str(len(numbers)))
        lines.append(placed(ctx, locale, "digest-day-holder", numbers=shown,
                            name=name or ctx.tr(locale, "digest-unassigned")))
    return "\n".join(lines)


def figure_lines(ctx: Ctx, locale: str, figures: Figures) -> list[str]:
    """The headline (received, closed, rate) and the details line under it."""
    rate = figures.closure_rate
    average = figures.average_rating
    rating = (
        ctx.tr(locale, "digest-rating", average=str(average),
               label=ctx.tr(locale, f"rating-{int(average.quantize(Decimal(1), ROUND_HALF_UP))}"))
        if average is not None else ctx.tr(locale, "digest-rating-none")
    )
    return [
        ctx.tr(locale, "digest-headline", received=str(figures.received),
               closed=str(figures.closed), rate=f"{rate}%" if rate is not None else "—"),
        ctx.tr(locale, "digest-details", overdue=str(figures.overdue),
               spot=str(figures.on_the_spot), rating=rating),
    ]


def _title_and_scope(ctx: Ctx, locale: str, area: Area, period: Period) -> tuple[str, str]:
    if period.cadence == "week":
        return (ctx.tr(locale, "digest-week-title", area=area.name,
                       first=_month_day(period.first), last=_month_day(period.last)),
                ctx.tr(locale, "digest-total-community"))
    return (ctx.tr(locale, "digest-month-title", area=area.name,
                   year=str(period.first.year), month=str(period.first.month)),
            ctx.tr(locale, "digest-total-street"))


def period_text(ctx: Ctx, locale: str, area: Area, period: Period,
                rows: list[tuple[str, Figures]]) -> str:
    """The area's total first, then one block per row (a grid or a community)."""
    total = Figures.total(figures for _name, figures in rows)
    title, scope = _title_and_scope(ctx, locale, area, period)
    headline, *details = figure_lines(ctx, locale, total)
    lines = [title, ctx.tr(locale, "digest-scope-line", scope=scope, figures=headline)]
    if total.received:
        lines += details
    for name, figures in rows:
        if not figures.received:
            lines.append(ctx.tr(locale, "digest-row-empty", name=name))
            continue
        lines.append(ctx.tr(locale, "digest-row-title", name=name))
        lines += figure_lines(ctx, locale, figures)
    return "\n".join(lines)
