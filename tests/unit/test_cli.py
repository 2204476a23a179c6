"""The `gridbot` CLI, run in-process with typer's CliRunner against a fresh SQLite file.

Each test builds its database through the CLI itself (`db upgrade` / `org import` run the
Alembic migrations), rather than the create_all schema of the sqlite_db fixture: on that
schema the migrations would try to create tables that already exist.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "bot" / "examples"


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


def test_run_without_a_token_exits_2_with_the_reason(cli):
    result = cli("run")
    assert result.exit_code == 2
    assert "GRIDBOT_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.output
