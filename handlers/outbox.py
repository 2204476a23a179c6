"""Writing outbound actions into the outbox, in the caller's transaction.

Edits are coalesced here: an edit of a card that is still waiting to be sent rewrites that
send, and an older unsent edit of the same card is superseded. The group sees one living
message per ticket, and the sender never spends the 20-per-minute group budget on stale text.

Each row gets a lane, the order in which the sender claims rows of different chats: an answer
to a button press first (Telegram refuses an answer after about 15 s), then what a person is
waiting for (cards, confirmations, replies), then bulk sends nobody waits on (digests).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.events import AnswerButton, EditText, Outbound, SendText, kind_of, to_json
from models.messaging import OutboxMessage

LANE_ANSWER, LANE_INTERACTIVE, LANE_BULK = 0, 1, 2


async def write_outbox(session: AsyncSession, actions: list[Outbound], now: datetime,
                       *, bulk: bool = False) -> int:
    """`bulk`: the actions are a scheduled mass send (a digest), to go after interactive ones."""
    written = 0
    for action in actions:
        if isinstance(action, EditText) and await _fold_into_pending_send(session, action):
            continue
        if isinstance(action, EditText):
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.platform == action.platform,
                    OutboxMessage.chat_id == action.chat_id,
                    OutboxMessage.ref == action.ref,
                    OutboxMessage.kind == "edit_text",
                    OutboxMessage.status == "pending",
                )
                .values(status="superseded")
            )
        chat_id = action.chat_id if not isinstance(action, AnswerButton) else ""
        ref = action.ref if isinstance(action, SendText | EditText) else None
        session.add(
            OutboxMessage(
                platform=action.platform,
                chat_id=chat_id,
                kind=kind_of(action),
                lane=_lane(action, bulk),
                payload=to_json(action),
                ref=ref,
                not_before=now,
                created_at=now,
                ticket_id=getattr(action, "ticket_id", None),
            )
        )
        written += 1
    return written


def _lane(action: Outbound, bulk: bool) -> int:
    if isinstance(action, AnswerButton):
        return LANE_ANSWER
    return LANE_BULK if bulk else LANE_INTERACTIVE


async def _fold_into_pending_send(session: AsyncSession, edit: EditText) -> bool:
    pending = (
        await session.exec(
            select(OutboxMessage).where(
                OutboxMessage.platform == edit.platform,
                OutboxMessage.chat_id == edit.chat_id,
                OutboxMessage.ref == edit.ref,
                OutboxMessage.kind == "send_text",
                OutboxMessage.status == "pending",
            )
        )
    ).first()
    if pending is None:
        return False
    payload = json.loads(pending.payload)
    payload["text"] = edit.text
    payload["buttons"] = json.loads(to_json(edit))["buttons"]
    pending.payload = json.dumps(payload, ensure_ascii=False)
    session.add(pending)
    return True
