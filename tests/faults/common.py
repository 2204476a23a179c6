"""What the fault tests and bench/faults share: reports as raw Telegram updates, a scratch
PostgreSQL database, and counting what the bot made of them."""

from __future__ import annotations

import contextlib
import os
import uuid

from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.db import make_engine

PG_SERVER = os.environ.get("GRIDBOT_BENCH_PG_URL",
                           "postgresql+asyncpg://postgres@127.0.0.1:5432")
PROBLEMS = ("楼道声控灯不亮", "3号楼门口垃圾堆满了", "下水道堵了", "井盖破损")


def report_update(update_id: int, chat_id: int, user_id: int, n: int) -> dict:
    """`/report` number n in a group: its words name n, so each card can be told apart."""
    words = f"/report 第{n}号：{PROBLEMS[n % len(PROBLEMS)]}"
    return {"update_id": update_id, "message": {
        "message_id": 30_000 + n, "date": 1_790_000_000,
        "chat": {"id": chat_id, "type": "supergroup", "title": "四海二网格群"},
        "from": {"id": user_id, "is_bot": False, "first_name": "王阿姨"}, "text": words,
        "entities": [{"type": "bot_command", "offset": 0, "length": 7}]}}


def server_address() -> tuple[str, int]:
    url = make_url(PG_SERVER)
    return url.host or "127.0.0.1", url.port or 5432


def through(port: int, database: str) -> str:
    """The database's URL with the host and port of a proxy in front of the server."""
    url = make_url(PG_SERVER).set(host="127.0.0.1", port=port, database=database)
    return url.render_as_string(hide_password=False)


@contextlib.asynccontextmanager
async def scratch_pg():
    """(url, name) of a new, empty PostgreSQL database, dropped afterwards."""
    name = f"gridbot_faults_{uuid.uuid4().hex[:8]}"
    admin = make_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{PG_SERVER}/{name}", name
    finally:
        with contextlib.suppress(Exception):
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def bot_env(stage, runtime: str, database_url: str, tmp_path, **extra: str) -> dict[str, str]:
    """The environment of a `gridbot run` subprocess against the stage's emulator."""
    from tests.e2e.harness import TOKEN

    return {"GRIDBOT_DATABASE_URL": database_url, "GRIDBOT_BOT_TOKEN": TOKEN,
            "GRIDBOT_TELEGRAM_API_URL": stage.emu.base_url, "GRIDBOT_RUNTIME": runtime,
            "GRIDBOT_MEDIA_DIR": str(tmp_path / "media"), "GRIDBOT_DUPLICATE_WINDOW_HOURS": "0",
            "GRIDBOT_LOG_LEVEL": "WARNING", **extra}


def card_numbers(emu, chat_id) -> list[str]:
    """The ticket number on each card sent to the group (sendMessage calls, not edits)."""
    numbers = []
    for call in emu.calls("sendMessage"):
        words = call.get("text", "")
        if str(call.get("chat_id")) == str(chat_id) and words.startswith("📋 报事 "):
            numbers.append(words.split()[2])
    return numbers


async def queue_state(session_factory) -> dict[str, int]:
    """Inbox and outbox rows by status, for a failure message worth reading."""
    from sqlalchemy import func
    from sqlmodel import select

    from models.messaging import InboxUpdate, OutboxMessage

    state = {}
    async with session_factory() as s:
        for name, model in (("inbox", InboxUpdate), ("outbox", OutboxMessage)):
            rows = await s.exec(select(model.status, func.count()).group_by(model.status))
            state.update({f"{name} {status}": n for status, n in rows.all()})
    return state
