"""Which journey an inbound event belongs to."""

from __future__ import annotations

from handlers import conversations
from handlers.callbacks import parse
from handlers.casework import assign, assist, dispatch, lookup, rating, task
from handlers.context import Ctx
from handlers.events import ButtonPress, Inbound, MessageIn
from handlers.intake import duplicates, private_report, report
from handlers.people import onboarding
from handlers.supervision import commands as supervision
from models.lifecycle import DomainError

COMMANDS = {
    "start": onboarding.start,
    "help": onboarding.help_command,
    "bind": onboarding.bind,
    "report": report.report_command,
    "ticket": lookup.ticket_command,
    "mytasks": lookup.mytasks_command,
    "category": task.category_command,
    "cancel": conversations.cancel_command,
    "overdue": supervision.overdue_command,
    "escalate": supervision.escalate_command,
    "pause": supervision.pause_command,
    "resume": supervision.resume_command,
    "merge": duplicates.merge_command,
    "assign": assign.assign_command,
    "assist": assist.assist_command,
}

BUTTONS = {
    "tk": task.on_ticket_button,
    "dp": dispatch.on_dispatch_choice,
    "rt": rating.on_rating,
    "dr": report.on_draft_choice,
    "dup": report.on_dup_choice,
    "pr": private_report.on_button,
    "cv": conversations.on_button,
}

REPORT_TAGS = ("#报事", "#report")


def parse_command(text: str, bot_username: str | None) -> tuple[str | None, str]:
    """`/ticket@gridbot_bot G0102-0001` -> ("ticket", "G0102-0001").

    A command addressed to another bot in the same group is not ours: (None, "").
    """
    if not text.startswith("/"):
        return None, ""
    head, _, rest = text.partition(" ")
    name, _, addressee = head[1:].partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return None, ""
    return name.lower(), rest.strip()


async def route(event: Inbound, ctx: Ctx) -> None:
    if isinstance(event, ButtonPress):
        payload = parse(event.data)
        handler = BUTTONS.get(payload.kind)
        if handler is None:
            raise DomainError("error-stale-button")
        await handler(event, ctx, payload)
        return
    assert isinstance(event, MessageIn)
    if event.is_private and ctx.member.private_chat_id != event.chat_id:
        ctx.member.private_chat_id = event.chat_id  # now we can reach them privately
        ctx.session.add(ctx.member)
    name, args = parse_command(event.text, ctx.config.bot_username)
    if name is not None:
        handler = COMMANDS.get(name)
        if handler is not None:
            await handler(event, ctx, args)
        elif event.is_private:
            await onboarding.help_command(event, ctx, "")
        return
    for tag in REPORT_TAGS:
        if event.text.startswith(tag):
            await report.report_command(event, ctx, event.text[len(tag) :].strip())
            return
    if await conversations.continue_conversation(event, ctx):
        return
    if event.is_private:
        await private_report.on_private_message(event, ctx)
    else:
        await report.on_group_message(event, ctx)
