"""Multi-step exchanges with one person in one chat, kept in the store so restarts resume them."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from handlers.context import Ctx
from handlers.events import ButtonPress, MessageIn
from models.lifecycle import DomainError
from models.messaging import Conversation


async def current(ctx: Ctx, chat_id: str) -> Conversation | None:
    # Locked for the transaction: the photos of an album arrive as concurrent updates, and
    # each must see the step and data the previous one left (PostgreSQL; SQLite serialises).
    return (
        await ctx.session.exec(
            select(Conversation)
            .where(Conversation.member_id == ctx.member.id, Conversation.chat_id == chat_id)
            .with_for_update()
        )
    ).first()


async def begin(ctx: Ctx, chat_id: str, kind: str, step: str, **data: Any) -> Conversation:
    """Start a conversation, replacing whatever this person had open in this chat."""
    conv = await current(ctx, chat_id)
    if conv is None:
        conv = Conversation(member_id=ctx.member.id, chat_id=chat_id, kind=kind, step=step,
                            updated_at=ctx.now)
    conv.kind, conv.step, conv.data, conv.updated_at = kind, step, json.dumps(data), ctx.now
    ctx.session.add(conv)
    await ctx.session.flush()
    return conv


def data_of(conv: Conversation) -> dict[str, Any]:
    return json.loads(conv.data)


async def advance(ctx: Ctx, conv: Conversation, step: str, **data: Any) -> None:
    merged = {**data_of(conv), **data}
    conv.step, conv.data, conv.updated_at = step, json.dumps(merged), ctx.now
    ctx.session.add(conv)


async def finish(ctx: Ctx, conv: Conversation) -> None:
    await ctx.session.delete(conv)


def _continuations():
    # Imported late: the journeys import this module for begin/advance/finish.
    from handlers import dispatch, private_report, task

    return {
        "report": private_report.continue_report,
        "resolve": task.continue_resolve,
        "reject": task.continue_reject,
        "return": dispatch.continue_return,
    }


async def continue_conversation(event: MessageIn, ctx: Ctx) -> bool:
    conv = await current(ctx, event.chat_id)
    if conv is None:
        return False
    handler = _continuations().get(conv.kind)
    if handler is None:
        await finish(ctx, conv)
        return False
    return await handler(event, ctx, conv)


async def on_button(event: ButtonPress, ctx: Ctx, payload) -> None:
    """[跳过] in any conversation: the conversation decides what skipping its step means."""
    conv = await current(ctx, event.chat_id)
    if conv is None:
        raise DomainError("error-stale-button")
    skip = MessageIn(
        platform=event.platform,
        update_key=event.update_key,
        chat_id=event.chat_id,
        chat_kind=event.chat_kind,
        user=event.user,
        message_id=event.message_id or "",
        text="",
    )
    ctx.answer(event.callback_id)
    await _continuations()[conv.kind](skip, ctx, conv)


async def cancel_command(event: MessageIn, ctx: Ctx, _args: str) -> None:
    conv = await current(ctx, event.chat_id)
    locale = ctx.locale_of(ctx.member)
    if conv is None:
        ctx.send(event.chat_id, ctx.tr(locale, "cancel-nothing"))
        return
    await finish(ctx, conv)
    ctx.send(event.chat_id, ctx.tr(locale, "cancel-done"))
