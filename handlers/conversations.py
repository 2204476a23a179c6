"""Multi-step exchanges with one person in one chat, kept in the store so restarts resume them."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from handlers.context import Ctx
from handlers.events import ButtonPress, Keyboard, MessageIn
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
    if conv is not None:
        _clear_live(ctx, conv)  # the replaced conversation's buttons would do nothing now
    else:
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
    _clear_live(ctx, conv)
    await ctx.session.delete(conv)


async def say(ctx: Ctx, conv: Conversation, text: str, buttons: Keyboard = ()) -> None:
    """Send the next message of the conversation. A message with buttons becomes the live
    one: the previous live message loses its buttons (a used or outdated choice must not
    stay pressable), and so does the last one when the conversation finishes."""
    if not buttons:
        ctx.send(conv.chat_id, text)
        return
    _clear_live(ctx, conv)
    data = data_of(conv)
    count = data.get("_live_n", 0) + 1
    # The time too: SQLite may give a new conversation the id of a deleted one.
    ref = f"cv:{conv.id}:{count}:{int(ctx.now.timestamp())}"
    ctx.send(conv.chat_id, text, buttons, ref=ref)
    data.update(_live_n=count, _live={"ref": ref, "text": text})
    conv.data = json.dumps(data)
    ctx.session.add(conv)


def _clear_live(ctx: Ctx, conv: Conversation) -> None:
    data = data_of(conv)
    live = data.pop("_live", None)
    if live:
        ctx.edit(conv.chat_id, live["ref"], live["text"])
        conv.data = json.dumps(data)


def _continuations():
    # Imported late: the journeys import this module for begin/advance/finish.
    from handlers import dispatch, emergency_private, private_report, resolve_step, task

    return {
        "extras": emergency_private.continue_extras,
        "report": private_report.continue_report,
        "resolve": resolve_step.continue_resolve,
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


def _button_handlers():
    from handlers import emergency_private, resolve_step

    return {"resolve": resolve_step.on_step_button, "extras": emergency_private.on_step_button}


async def on_button(event: ButtonPress, ctx: Ctx, payload) -> None:
    """[跳过] in any conversation: the conversation decides what skipping its step means.
    A conversation with buttons of its own ([完成]) gets the press itself."""
    conv = await current(ctx, event.chat_id)
    if conv is None:
        raise DomainError("error-stale-button")
    verb = payload.parts[0] if payload.parts else ""
    own = _button_handlers().get(conv.kind)
    if own is not None:
        await own(event, ctx, conv, verb)
        return
    if verb != "skip":
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
