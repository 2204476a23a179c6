"""New messages into the outbox in a few statements: for the scheduled jobs that queue many.

handlers.outbox.write_outbox adds one ORM object per message and asks about each card edit
on its own (is its card still waiting to be sent? is an older edit still pending?), so 50
re-rendered cards cost 150 statements. Here, for a digest or a sweep batch: one SELECT finds
the pending rows of every edited card, edits of a card still waiting fold into it (one
executemany), older pending edits are superseded (one UPDATE), and every new send and edit is
one INSERT, in the order queued (the sender keeps a chat's order by id). Same outcome as
write_outbox. Other kinds (albums, button answers) go through write_outbox after them.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.events import EditText, Outbound, SendText, kind_of, to_json
from handlers.outbox import LANE_BULK, LANE_INTERACTIVE, write_outbox
from models.messaging import OutboxMessage

Key = tuple[str, str, str]  # platform, chat, ref


async def write_outbox_bulk(session: AsyncSession, actions: list[Outbound], now: datetime,
                            *, bulk: bool = False) -> int:
    """Like write_outbox, in the caller's transaction. `bulk`: a scheduled mass send (a
    digest), claimed after what people are waiting for (handlers.outbox's lanes)."""
    lane = LANE_BULK if bulk else LANE_INTERACTIVE
    edits = [a for a in actions if isinstance(a, EditText)]
    waiting, stale = await _pending(session, edits)
    rows: list[dict] = []
    queued: dict[Key, dict] = {}  # this call's rows by card, for an edit that follows them
    folded: dict[int, dict] = {}  # pending send id → its payload with the newest text
    edited: set[Key] = set()  # cards that get a new edit row: their pending edits are stale
    for action in actions:
        if not isinstance(action, SendText | EditText):
            continue
        key = (action.platform, action.chat_id, action.ref)
        if isinstance(action, EditText):
            earlier = queued.get(key)
            if earlier is not None and earlier["kind"] == "send_text":
                earlier["payload"] = _fold(earlier["payload"], action)
                continue
            if earlier is None and key in waiting:  # its card is still waiting: fold
                send_id, payload = waiting[key]
                waiting[key] = (send_id, _fold(payload, action))
                folded[send_id] = {"id": send_id, "payload": waiting[key][1]}
                continue
            edited.add(key)
            if earlier is not None:
                earlier["status"] = "superseded"  # an edit queued above: this one wins
        row = {"platform": action.platform, "chat_id": action.chat_id, "kind": kind_of(action),
               "payload": _payload(action), "ref": action.ref, "lane": lane, "status": "pending",
               "attempts": 0, "not_before": now, "created_at": now,
               "ticket_id": getattr(action, "ticket_id", None)}
        rows.append(row)
        if action.ref is not None:
            queued[key] = row
    if folded:
        await session.execute(update(OutboxMessage), list(folded.values()))
    if superseded := [i for key, ids in stale.items() if key in edited for i in ids]:
        await session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(superseded))
                              .values(status="superseded"))
    if rows:
        # the table, not the class: Core executemany keeps NULLs, so rows with and without a
        # ref stay one statement (the ORM bulk insert splits runs of differing keys)
        await session.execute(insert(OutboxMessage.__table__), rows)
    others = [a for a in actions if not isinstance(a, SendText | EditText)]
    return len(rows) + (await write_outbox(session, others, now, bulk=bulk) if others else 0)


async def _pending(session: AsyncSession, edits: list[EditText]):
    """For the edited cards: a send still waiting ({key: (id, payload)}) and the pending
    edits an edit replaces ({key: [ids]}), in one query."""
    waiting: dict[Key, tuple[int, str]] = {}
    stale: dict[Key, list[int]] = {}
    if not edits:
        return waiting, stale
    keys = {(e.platform, e.chat_id, e.ref) for e in edits}
    rows = await session.exec(
        select(OutboxMessage.id, OutboxMessage.platform, OutboxMessage.chat_id,
               OutboxMessage.ref, OutboxMessage.kind, OutboxMessage.payload)
        .where(OutboxMessage.ref.in_({ref for _p, _c, ref in keys}),
               OutboxMessage.status == "pending",
               OutboxMessage.kind.in_(("send_text", "edit_text")))
        .order_by(OutboxMessage.id))
    for row_id, platform, chat_id, ref, kind, payload in rows.all():
        key = (platform, chat_id, ref)
        if key not in keys:
            continue
        if kind == "send_text":
            waiting.setdefault(key, (row_id, payload))
        else:
            stale.setdefault(key, []).append(row_id)
    return waiting, stale


_SEND_FIELDS = [f.name for f in fields(SendText)]


def _payload(action: SendText | EditText) -> str:
    """to_json, without dataclasses.asdict's deep copy for a plain text (no buttons): that
    copy was a fifth of a 10,000-grid digest run. The same JSON (a test compares them)."""
    if isinstance(action, SendText) and not action.buttons:
        fields_ = {f: getattr(action, f) for f in _SEND_FIELDS}
        return json.dumps({"kind": kind_of(action), **fields_}, ensure_ascii=False)
    return to_json(action)


def _fold(payload: str, edit: EditText) -> str:
    """The send's payload with the edit's text and buttons (as write_outbox folds it)."""
    data = json.loads(payload)
    data["text"] = edit.text
    data["buttons"] = json.loads(to_json(edit))["buttons"]
    return json.dumps(data, ensure_ascii=False)
