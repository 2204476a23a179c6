"""`gridbot backup` / `restore` / `prune` through the CLI (typer's CliRunner), on real files:
a database the bot has open and writing, its photos, and a fresh place to restore into."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.media import store_by_content
from handlers.context import Config, Deps
from models.clock import FakeClock
from models.db import make_engine, make_session_factory
from models.migrate import upgrade
from models.ticket import Photo, Ticket
from tests.support.db import PG_URL, _pg_reachable, pg_required
from tests.support.world import Script, build_world
from tests.unit._helpers import report_in_group


def run_cli(*args: str, **env: str):
    base = {"GRIDBOT_BOT_TOKEN": None, "GRIDBOT_RUNTIME": None,
            "GRIDBOT_RETENTION_DAYS_PHOTOS": None, "GRIDBOT_RETENTION_DAYS_RESOLVED": None}
    return CliRunner().invoke(app, list(args), env={**base, **env})


class Place:
    """A deployment's database and media folder, as the CLI sees them."""

    def __init__(self, url: str, media: Path) -> None:
        self.url, self.media = url, media
        self.env = {"GRIDBOT_DATABASE_URL": url, "GRIDBOT_MEDIA_DIR": str(media)}

    async def tickets(self) -> list[tuple[str, str, list[bytes]]]:
        engine = make_engine(self.url)
        try:
            async with make_session_factory(engine)() as s:
                found = []
                for t in (await s.exec(select(Ticket).order_by(Ticket.id))).all():
                    photos = (await s.exec(select(Photo).where(Photo.ticket_id == t.id))).all()
                    found.append((t.number, t.text,
                                  [(self.media / p.stored_path).read_bytes()
                                   for p in photos if p.stored_path]))
                return found
        finally:
            await engine.dispose()


async def _report(deps: Deps, script: Script, world, media: Path, words: str) -> None:
    """A ticket reported in the group, with a photo stored as the fetcher stores it."""
    made = await report_in_group(deps, script, world, words)
    path, digest = store_by_content(media, f"jpeg of {words}".encode())
    async with deps.session_factory() as s, s.begin():
        s.add(Photo(ticket_id=made.id, platform="telegram", file_id=f"f-{made.id}",
                    file_unique_id=f"u-{made.id}", stored_path=path, sha256=digest,
                    created_at=deps.clock.now()))


def _bot(url: str) -> tuple[Deps, object]:
    engine = make_engine(url)
    return Deps(make_session_factory(engine), FakeClock(), Config()), engine


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no developer's .env in the settings
    return tmp_path


def test_sqlite_backup_of_a_running_bot_restores_into_a_fresh_place(here):
    live = Place(f"sqlite+aiosqlite:///{here}/live/gridbot.db", here / "live" / "media")
    live.media.parent.mkdir()
    upgrade(live.url)
    fresh = Place(f"sqlite+aiosqlite:///{here}/new/data/gridbot.db", here / "new" / "media")

    async def scenario():
        deps, engine = _bot(live.url)
        world, script = await build_world(deps), Script()
        for words in ("3号楼楼道声控灯不亮", "小区门口垃圾满了"):
            await _report(deps, script, world, live.media, words)

        async def bot_goes_on():
            for n in range(5):
                await _report(deps, script, world, live.media, f"{n}号路灯不亮")

        # The bot has its connections open (its last writes still in the WAL file) and goes
        # on writing while the backup runs in another thread.
        assert await asyncio.to_thread(os.path.getsize, f"{here}/live/gridbot.db-wal") > 0
        backup = asyncio.to_thread(run_cli, "backup", str(here / "bk"), **live.env)
        result, _ = await asyncio.gather(backup, bot_goes_on())
        await engine.dispose()
        return result

    result = asyncio.run(scenario())
    assert result.exit_code == 0, result.output
    assert "backed up" in result.output and (here / "bk" / "gridbot.db").exists()
    restored = run_cli("restore", str(here / "bk"), **fresh.env)
    assert restored.exit_code == 0, restored.output

    tickets, original = asyncio.run(fresh.tickets()), asyncio.run(live.tickets())
    assert tickets[:2] == [(f"G0102-000{n}", words, [f"jpeg of {words}".encode()])
                           for n, words in ((1, "3号楼楼道声控灯不亮"), (2, "小区门口垃圾满了"))]
    # Consistent: a prefix of what the bot wrote, and every photo row the copy holds has its
    # file (read above). A ticket written during the backup may lack its photo row, which
    # the bot writes in a later transaction.
    assert [t[:2] for t in tickets] == [t[:2] for t in original[:len(tickets)]]
    pairs = zip(tickets, original[:len(tickets)], strict=True)
    assert all(set(mine) <= set(theirs) for (*_, mine), (*_, theirs) in pairs)


def _small_deployment(here: Path, name: str, reports: tuple[str, ...]) -> Place:
    place = Place(f"sqlite+aiosqlite:///{here}/{name}/gridbot.db", here / name / "media")
    place.media.parent.mkdir(parents=True)
    upgrade(place.url)

    async def seed():
        deps, engine = _bot(place.url)
        world, script = await build_world(deps), Script()
        for words in reports:
            await _report(deps, script, world, place.media, words)
        await engine.dispose()

    if reports:  # none: migrated and empty, as a first `gridbot run` leaves it
        asyncio.run(seed())
    return place


def test_restore_refuses_a_database_with_data_unless_forced(here):
    source = _small_deployment(here, "a", ("3号楼楼道声控灯不亮",))
    other = _small_deployment(here, "b", ("垃圾满了", "路灯坏了"))
    assert run_cli("backup", str(here / "bk"), **source.env).exit_code == 0

    refused = run_cli("restore", str(here / "bk"), **other.env)
    assert refused.exit_code != 0 and "--force" in refused.output
    assert "Traceback" not in refused.output and len(refused.output.strip().splitlines()) == 1
    assert [n for n, _, _ in asyncio.run(other.tickets())] == ["G0102-0001", "G0102-0002"]

    forced = run_cli("restore", str(here / "bk"), "--force", **other.env)
    assert forced.exit_code == 0, forced.output
    assert [t for _, t, _ in asyncio.run(other.tickets())] == ["3号楼楼道声控灯不亮"]


def test_a_migrated_but_empty_database_is_restored_into_without_force(here):
    source = _small_deployment(here, "a", ("3号楼楼道声控灯不亮",))
    empty = _small_deployment(here, "b", ())
    assert run_cli("backup", str(here / "bk"), **source.env).exit_code == 0
    assert run_cli("restore", str(here / "bk"), **empty.env).exit_code == 0
    assert len(asyncio.run(empty.tickets())) == 1


@pytest.mark.parametrize("case", ["backup into a full folder", "restore from no backup"])
def test_mistakes_are_one_sentence(here, case):
    place = _small_deployment(here, "a", ())
    (here / "full").mkdir()
    (here / "full" / "something").write_text("x")
    args = ("backup", str(here / "full")) if case.startswith("backup") else \
        ("restore", str(here / "nothing"))
    result = run_cli(*args, **place.env)
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert ("not empty" if case.startswith("backup") else "not a gridbot backup") \
        in result.output


def test_postgres_without_pg_dump_says_so(here, monkeypatch):
    monkeypatch.setenv("PATH", str(here))  # no pg_dump here
    result = run_cli("backup", str(here / "bk"),
                     GRIDBOT_DATABASE_URL="postgresql+asyncpg://gridbot@127.0.0.1/gridbot")
    assert result.exit_code != 0
    assert result.output.strip().startswith("pg_dump is not on PATH")
    assert len(result.output.strip().splitlines()) == 1


async def _pg_admin(sql: str) -> None:
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await admin.dispose()


@pytest.mark.postgres
def test_postgres_backup_and_restore_with_pg_dump(here):
    problem = asyncio.run(_pg_reachable())
    if problem or not shutil.which("pg_dump"):
        if pg_required() and problem:
            pytest.fail(problem)
        pytest.skip(problem or "pg_dump is not installed")
    # New databases on the test server: pg_dump dumps a whole database, not a schema.
    names = [f"gridbot_bk_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    source_url, target_url = (PG_URL.rsplit("/", 1)[0] + f"/{name}" for name in names)
    for name in names:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        source = Place(source_url, here / "a" / "media")
        upgrade(source_url)

        async def seed():
            deps, engine = _bot(source_url)
            world, script = await build_world(deps), Script()
            await _report(deps, script, world, source.media, "3号楼楼道声控灯不亮")
            await engine.dispose()

        asyncio.run(seed())
        backup = run_cli("backup", str(here / "bk"), **source.env)
        assert backup.exit_code == 0, backup.output
        target = Place(target_url, here / "b" / "media")
        upgrade(target_url)  # as `gridbot run` would have left it: migrated, empty
        restored = run_cli("restore", str(here / "bk"), **target.env)
        assert restored.exit_code == 0, restored.output
        assert asyncio.run(target.tickets()) == asyncio.run(source.tickets())
        assert len(asyncio.run(target.tickets())) == 1
        again = run_cli("restore", str(here / "bk"), **target.env)
        assert again.exit_code != 0 and "--force" in again.output
    finally:
        for name in names:
            asyncio.run(_pg_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


def test_prune_command_dry_run_then_for_real(here):
    import sqlite3

    place = _small_deployment(here, "a", ("3号楼楼道声控灯不亮", "垃圾满了"))
    with sqlite3.connect(here / "a" / "gridbot.db") as db:  # the first one finished in 2020
        db.execute("update ticket set status='closed', updated_at='2020-01-01 00:00:00.000000'"
                   " where number='G0102-0001'")
    files = sorted(place.media.rglob("*.jpg"))
    assert run_cli("prune", **place.env).output.startswith("no retention set")
    days = {"GRIDBOT_RETENTION_DAYS_PHOTOS": "30", "GRIDBOT_RETENTION_DAYS_RESOLVED": "365"}

    dry = run_cli("prune", "--dry-run", **place.env, **days)
    assert dry.exit_code == 0, dry.output
    assert "would be" in dry.output and "1 photos (1 files)" in dry.output
    assert "1 tickets" in dry.output and sorted(place.media.rglob("*.jpg")) == files

    done = run_cli("prune", **place.env, **days)
    assert done.exit_code == 0 and "1 photos (1 files)" in done.output, done.output
    assert len(list(place.media.rglob("*.jpg"))) == 1
    texts = [t for _, t, _ in asyncio.run(place.tickets())]
    assert texts == ["", "垃圾满了"]


def test_a_bad_retention_setting_is_one_sentence(here):
    place = _small_deployment(here, "a", ())
    result = run_cli("prune", **place.env, GRIDBOT_RETENTION_DAYS_PHOTOS="0")
    assert result.exit_code != 0 and "GRIDBOT_RETENTION_DAYS_PHOTOS" in result.output
    assert "Traceback" not in result.output
