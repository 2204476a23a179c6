"""Reading what the handlers queued, without a sender: marks rows sent as a sender would."""

from __future__ import annotations

from sqlmodel import select

from handlers.events import AnswerButton, EditText, SendText, from_json
from models.messaging import OutboxMessage


async def take_outbox(deps) -> list:
    async with deps.session_factory() as s, s.begin():
        rows = (
            await s.exec(
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending")
                .order_by(OutboxMessage.id)
            )
        ).all()
        for row in rows:
            row.status = "sent"
            s.add(row)
        return [from_json(row.payload) for row in rows]


def texts_to(actions, chat_id: str) -> list[str]:
    return [a.text for a in actions if isinstance(a, SendText | EditText) and a.chat_id == chat_id]


def answers(actions) -> list[AnswerButton]:
    return [a for a in actions if isinstance(a, AnswerButton)]


def buttons_of(action) -> list[str]:
    return [b.data for row in action.buttons for b in row]


def find_send(actions, chat_id: str, contains: str = "") -> SendText:
    for action in actions:
        if isinstance(action, SendText) and action.chat_id == chat_id and contains in action.text:
            return action
    raise AssertionError(f"no message to {chat_id} containing {contains!r}: {actions!r}")
