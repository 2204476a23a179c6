"""The webchat's HTTP and WebSocket API, used by the page in web/webchat/static/."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    HTTPException,
    Query,
    Request,
    UploadFile,
    WebSocket,
)
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel
from sqlmodel import select
from starlette.websockets import WebSocketDisconnect

import locales
from handlers import bus
from handlers.bus import Deps
from handlers.events import ButtonPress, User
from models.lifecycle import DomainError
from models.org import Member
from models.types import TEXT_LIMIT
from web.webchat import PLATFORM, directory
from web.webchat.hub import Hub
from web.webchat.inbound import compose, to_event
from web.webchat.places import places_for
from web.webchat.tables import WebchatMessage
from web.webchat.transport import WebchatTransport
from web.webchat.uploads import Uploads
from web.webchat.views import is_private, message_view


@dataclass
class WebchatState:
    deps: Deps
    hub: Hub
    uploads: Uploads
    transport: WebchatTransport
    demo_clock: object | None = None  # a DemoClock when fast-forward is allowed
    on_clock_advance: object | None = None


router = APIRouter()


def state_of(request: Request) -> WebchatState:
    return request.app.state.webchat


State = Annotated[WebchatState, Depends(state_of)]
Identity = Annotated[str, Query(alias="as", max_length=64)]


class Refusal(Exception):
    def __init__(self, status: int, key: str, **args) -> None:
        self.status, self.key, self.args_ = status, key, args


def refusal_response(locale: str, exc: Refusal) -> JSONResponse:
    return JSONResponse({"error": locales.t(locale, exc.key, **exc.args_)}, status_code=exc.status)


async def _member(state: WebchatState, identity: str, chat_id: str | None = None) -> Member:
    async with state.deps.session_factory() as s:
        member = await directory.member_by_identity(s, identity)
        if member is None:
            raise Refusal(404, "webchat-error-unknown-identity")
        if chat_id is not None and not await directory.can_see(s, member, chat_id):
            raise Refusal(403, "webchat-error-not-in-chat")
        return member


@router.get("/api/strings")
async def strings(state: State, locale: str = "") -> dict:
    chosen = locale if locale in locales.SUPPORTED else state.deps.config.default_locale
    keys = sorted(k for k in locales.message_ids(chosen) if k.startswith("webchat-"))
    return {"locale": chosen, "strings": {k: locales.t(chosen, k) for k in keys}}


@router.get("/api/identities")
async def list_identities(state: State, locale: str = "") -> list[dict]:
    chosen = locale if locale in locales.SUPPORTED else state.deps.config.default_locale
    async with state.deps.session_factory() as s:
        return await directory.identities(s, chosen)


@router.get("/api/chats")
async def list_chats(state: State, identity: Identity) -> list[dict]:
    member = await _member(state, identity)
    locale = member.locale or state.deps.config.default_locale
    async with state.deps.session_factory() as s:
        groups = await directory.visible_groups(s, member)
    chats = [{"id": g.chat_id, "title": g.title, "kind": "group"} for g in groups]
    chats.append({"id": identity, "title": locales.t(locale, "webchat-bot-chat"),
                  "kind": "private"})
    return chats


@router.get("/api/places")
async def places(state: State, identity: Identity) -> list[dict]:
    """The location presets of the person's own community (web/webchat/demo_places.yaml)."""
    member = await _member(state, identity)
    async with state.deps.session_factory() as s:
        return await places_for(s, member)


@router.get("/api/chats/{chat_id}/messages")
async def history(state: State, chat_id: str, identity: Identity, limit: int = 200) -> list[dict]:
    await _member(state, identity, chat_id)
    async with state.deps.session_factory() as s:
        rows = list(
            (
                await s.exec(
                    select(WebchatMessage)
                    .where(WebchatMessage.chat_id == chat_id)
                    .order_by(WebchatMessage.id.desc())
                    .limit(min(limit, 500))
                )
            ).all()
        )[::-1]
        by_id = {r.id: r for r in rows}
        tz = state.deps.config.timezone
        return [message_view(r, tz, by_id.get(r.reply_to_id)) for r in rows]


@router.post("/api/chats/{chat_id}/messages")
async def post_message(
    state: State,
    chat_id: str,
    identity: Identity,
    text: Annotated[str, Form()] = "",
    photos: Annotated[list[UploadFile] | None, File()] = None,
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
    reply_to: Annotated[int | None, Form()] = None,
) -> dict:
    member = await _member(state, identity, chat_id)
    data = [await p.read() for p in photos or []]
    location = (lat, lon) if lat is not None and lon is not None else None
    if not text.strip() and not data and location is None:
        raise Refusal(400, "webchat-error-empty")
    if len(text) > TEXT_LIMIT:  # what Telegram allows; the page keeps the text to shorten
        raise Refusal(400, "webchat-error-too-long", count=len(text), limit=TEXT_LIMIT)
    try:
        parts = compose(member, chat_id, text, data, location, reply_to, state.uploads,
                        state.deps.clock.now())
    except DomainError as exc:
        raise Refusal(400, exc.key) from None
    async with state.deps.session_factory() as s, s.begin():
        for row, _size in parts:
            s.add(row)
        await s.flush()
        views = [message_view(row, state.deps.config.timezone) for row, _ in parts]
        who = await directory.audience(s, chat_id)
    for view in views:
        await state.hub.publish({"type": "message", "message": view}, who)
    for row, size in parts:
        await bus.receive(to_event(row, member, size), state.deps)
    return {"messages": views}


class Press(BaseModel):
    message_id: int
    data: str


@router.post("/api/chats/{chat_id}/press")
async def press(state: State, chat_id: str, identity: Identity, body: Press) -> dict:
    """Like a messenger, only a button that is really on that message can be pressed."""
    member = await _member(state, identity, chat_id)
    async with state.deps.session_factory() as s:
        row = await s.get(WebchatMessage, body.message_id)
    if row is None or row.chat_id != chat_id:
        raise Refusal(404, "error-stale-button")
    if body.data not in {b["data"] for line in json.loads(row.buttons) for b in line}:
        raise Refusal(400, "error-stale-button")
    callback_id = secrets.token_hex(12)
    state.transport.pressed_by[callback_id] = identity
    event = ButtonPress(
        platform=PLATFORM,
        update_key=f"wcb:{callback_id}",
        chat_id=chat_id,
        chat_kind="private" if is_private(chat_id) else "group",
        user=User(member.platform_user_id, member.display_name, member.locale),
        callback_id=callback_id,
        message_id=str(row.id),
        data=body.data,
    )
    await bus.receive(event, state.deps)
    return {"ok": True}


@router.get("/files/{file_id}")
async def file(state: State, file_id: str) -> FileResponse:
    path = state.uploads.path(file_id)
    if path is None:
        raise HTTPException(404)
    return FileResponse(path, media_type="image/jpeg")


@router.get("/api/clock")
async def clock(state: State) -> dict:
    return {"now": state.deps.clock.now().isoformat(), "demo": state.demo_clock is not None}


class Advance(BaseModel):
    hours: float


@router.post("/api/clock/advance")
async def advance(state: State, body: Advance) -> dict:
    """Demo only: fast-forward the one clock, then run the scheduler's jobs at the new time."""
    if state.demo_clock is None:
        raise Refusal(403, "webchat-error-not-demo")
    if not 0 < body.hours <= 24 * 7:
        raise Refusal(400, "webchat-error-bad-hours")
    state.demo_clock.advance(hours=body.hours)
    if state.on_clock_advance is not None:
        await state.on_clock_advance()
    now = state.deps.clock.now().isoformat()
    await state.hub.publish({"type": "clock", "now": now})
    return {"now": now}


@router.websocket("/ws")
async def live(socket: WebSocket, identity: Annotated[str, Query(alias="as")]) -> None:
    state: WebchatState = socket.app.state.webchat
    async with state.deps.session_factory() as s:
        known = await directory.member_by_identity(s, identity)
    if known is None:
        await socket.close()  # refused at the handshake: no events for a made-up identity
        return
    await socket.accept()
    await state.hub.join(identity, socket)
    try:
        while True:
            await socket.receive_text()  # keep-alive pings from the page; nothing else
    except WebSocketDisconnect:
        pass
    finally:
        await state.hub.leave(identity, socket)
