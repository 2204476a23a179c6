"""Multi-step exchanges with one person in one chat, kept in the store so restarts resume them.

The machinery knows no journey: each journey module that starts a conversation registers
its continuation for its kind at import (`register("resolve", continue_resolve, ...)`), and
the router imports every journey before it routes anything. So the dependency points one
way, journeys → conversations, and a new journey adds its kind without touching this file.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel import select

from handlers.context import Ctx
from handlers.events import ButtonPress, Keyboard, MessageIn
from models.lifecycle import DomainError
from models.messaging import Conversation

# The next message of a conversation: True when it was taken.
Continuation = Callable[[MessageIn, Ctx, Conversation], Awaitable[bool]]
# A press on one of the conversation's own buttons ([完成]), with the verb of the payload.
StepButton = Callable[[ButtonPress, Ctx, Conversation, str], Awaitable[None]]

_continuations: dict[str, Continuation] = {}
_step_buttons: dict[str, StepButton] = {}


def register(kind: str, continuation: Continuation, on_button: StepButton | None = None) -> None:
    """Called by a journey module at import for the conversation kind it starts. Without
    `on_button`, the conversation's only button is [跳过], given to the continuation as an
    empty message. A kind belongs to one journey: a second, different claim is a bug."""
    if _continuations.get(kind, continuation) is not continuation:
        raise ValueError(f"conversation kind {kind!r} is registered twice")
    _continuations[kind] = continuation
    if on_button is not None:
        _step_buttons[kind] = on_button


def registered_kinds() -> frozenset[str]:
    return frozenset(_continuations)


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


async def continue_conversation(event: MessageIn, ctx: Ctx) -> bool:
    conv = await current(ctx, event.chat_id)
    if conv is None:
        return False
    handler = _continuations.get(conv.kind)
    if handler is None:
        await finish(ctx, conv)
        return False
    return await handler(event, ctx, conv)


async def on_button(event: ButtonPress, ctx: Ctx, payload) -> None:
    """[跳过] in any conversation: the conversation decides what skipping its step means.
    A conversation with buttons of its own ([完成]) gets the press itself."""
    conv = await current(ctx, event.chat_id)
    if conv is None:
        raise DomainError("error-stale-button")
    verb = payload.parts[0] if payload.parts else ""
    own = _step_buttons.get(conv.kind)
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
    await _continuations[conv.kind](skip, ctx, conv)


async def cancel_command(event: MessageIn, ctx: Ctx, _args: str) -> None:
    conv = await current(ctx, event.chat_id)
    locale = ctx.locale_of(ctx.member)
    if conv is None:
        ctx.send(event.chat_id, ctx.tr(locale, "cancel-nothing"))
        return
    await finish(ctx, conv)
    ctx.send(event.chat_id, ctx.tr(locale, "cancel-done"))
