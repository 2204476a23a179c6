"""The `gridbot` CLI, run in-process with typer's CliRunner against a fresh SQLite file.

Each test builds its database through the CLI itself (`db upgrade` / `org import` run the
Alembic migrations), rather than the create_all schema of the sqlite_db fixture: on that
schema the migrations would try to create tables that already exist.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app, bot_username, new_invite_code
from bot.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "bot" / "examples"
CODE = r"[A-Za-z0-9_-]{12}"


@pytest.fixture
def db_file(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # so no developer's .env leaks into the settings
    return tmp_path / "deploy" / "data" / "gridbot.db"  # the folders do not exist yet


@pytest.fixture
def cli(db_file):
    env = {"GRIDBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db_file}", "GRIDBOT_BOT_TOKEN": None,
           "GRIDBOT_BOT_USERNAME": None, "GRIDBOT_RUNTIME": None}

    def invoke(*args: str, **extra_env):
        return CliRunner().invoke(app, list(args), env={**env, **extra_env})

    return invoke


def rows(db_file: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_file) as conn:
        return conn.execute(sql).fetchall()


def test_db_upgrade_creates_the_folder_and_the_schema(cli, db_file):
    result = cli("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert db_file.exists()
    tables = {name for (name,) in rows(db_file, "select name from sqlite_master")}
    assert {"alembic_version", "area", "invite_code", "ticket"} <= tables
    assert cli("db", "upgrade").exit_code == 0  # again: nothing to do, no error


def test_database_url_option_overrides_the_environment(cli, tmp_path):
    other = tmp_path / "elsewhere.db"
    result = cli("--database-url", f"sqlite+aiosqlite:///{other}", "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert other.exists()


def test_org_import_on_a_fresh_database_prints_the_summary(cli, db_file):
    result = cli("org", "import", str(EXAMPLES / "org.yaml"))
    assert result.exit_code == 0, result.output
    assert "areas: 20 created, 0 updated, 0 unchanged" in result.stdout
    again = cli("org", "import", str(EXAMPLES / "org.yaml"))
    assert "areas: 0 created, 0 updated, 20 unchanged" in again.stdout
    assert "roles: 0 created" in again.stdout
    assert rows(db_file, "select count(*) from area") == [(20,)]


def test_org_import_of_a_bad_file_names_file_and_line(cli, db_file, tmp_path):
    bad = tmp_path / "street.csv"
    bad.write_text("code,name,kind,parent\nA,双塔区,district,\nB,四海社区,community,A\n",
                   encoding="utf-8")
    result = cli("org", "import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:3: a community cannot sit directly under")
    assert "Traceback" not in result.output
    assert rows(db_file, "select count(*) from area") == [(0,)]


def test_invite_prints_a_deep_link_and_stores_the_code(cli, db_file):
    cli("org", "import", str(EXAMPLES / "org.yaml"))
    result = cli("invite", "--grid", "g0101", "--role", "worker",
                 GRIDBOT_BOT_USERNAME="@gridbot_test_bot")
    assert result.exit_code == 0, result.output
    link = re.search(rf"https://t\.me/gridbot_test_bot\?start=({CODE})$", result.stdout, re.M)
    assert link, result.stdout
    stored = rows(db_file, "select i.role, a.code, i.department_id, i.used_at from invite_code i "
                           f"join area a on a.id = i.area_id where i.code = '{link[1]}'")
    assert stored == [("worker", "G0101", None, None)]


def test_invite_for_a_liaison_uses_area_alias_and_department(cli, db_file):
    cli("org", "import", str(EXAMPLES / "org.yaml"))
    result = cli("invite", "--area", "ZHANNAN", "--role", "liaison", "--department", "gas",
                 GRIDBOT_BOT_USERNAME="gridbot_test_bot")
    assert result.exit_code == 0, result.output
    assert rows(db_file, "select d.code from invite_code i join department d "
                         "on d.id = i.department_id") == [("gas",)]


def test_invite_without_a_username_prints_the_code_and_the_hint(cli):
    cli("org", "import", str(EXAMPLES / "org.yaml"))
    result = cli("invite", "--grid", "SIHAI", "--role", "admin")
    assert result.exit_code == 0, result.output
    assert re.search(rf"邀请码: {CODE} ", result.stdout)
    assert "GRIDBOT_BOT_USERNAME" in result.stdout and "t.me" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--grid", "G9999", "--role", "worker"), "unknown area G9999"),
        (("--grid", "G0101", "--role", "mayor"), "unknown role 'mayor'"),
        (("--grid", "ZHANNAN", "--role", "liaison"), "needs --department"),
        (("--grid", "ZHANNAN", "--role", "liaison", "--department", "nope"),
         "unknown department nope"),
        (("--grid", "G0101", "--role", "worker", "--department", "gas"), "only a liaison"),
    ],
    ids=["area", "role", "liaison-no-department", "department", "department-not-liaison"],
)
def test_invite_refusals(cli, db_file, args, message):
    cli("org", "import", str(EXAMPLES / "org.yaml"))
    result = cli("invite", *args, GRIDBOT_BOT_USERNAME="gridbot_test_bot")
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert rows(db_file, "select count(*) from invite_code") == [(0,)]


def test_invite_before_any_database_says_what_to_run(cli, db_file):
    result = cli("invite", "--grid", "G0101", "--role", "worker")
    assert result.exit_code == 1
    assert "gridbot db upgrade" in result.stderr and "Traceback" not in result.output
    assert not db_file.exists()  # no stray empty database left behind
    db_file.parent.mkdir(parents=True)
    db_file.touch()  # a file, but never migrated
    result = cli("invite", "--grid", "G0101", "--role", "worker")
    assert result.exit_code == 1
    assert "no such table" in result.stderr and "gridbot db upgrade" in result.stderr


def test_run_without_a_token_exits_2_with_the_reason(cli):
    result = cli("run")
    assert result.exit_code == 2
    assert "GRIDBOT_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.output


def test_invite_codes_fit_a_telegram_start_parameter():
    codes = {new_invite_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(re.fullmatch(CODE, code) for code in codes)


async def test_bot_username_comes_from_getme_when_only_a_token_is_set():
    from tests.emulator.emulator import BotApiEmulator  # the fake Bot API on loopback

    emulator = BotApiEmulator(bot_username="sihai_grid_bot")
    await emulator.start()
    try:
        settings = Settings(_env_file=None, bot_token=emulator.token,
                            telegram_api_url=emulator.base_url)
        assert await bot_username(settings) == "sihai_grid_bot"
        explicit = Settings(_env_file=None, bot_username="@named_bot", bot_token="1:x")
        assert await bot_username(explicit) == "named_bot"  # no network asked
        assert await bot_username(Settings(_env_file=None, bot_token=None)) is None
    finally:
        await emulator.stop()
