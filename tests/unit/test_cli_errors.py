"""Start-up mistakes, each as a subprocess: one sentence on stderr, no traceback, non-zero exit.

The traceback is printed too only with GRIDBOT_LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import socket

import pytest

from models.sla import DEFAULT_POLICY_PATH
from tests.support.process import gridbot


def _one_sentence(result, *fragments: str, code: int) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_invalid_settings_say_one_sentence_per_variable(tmp_path):
    result = gridbot(tmp_path, "db", "upgrade", GRIDBOT_WEB_PORT="eighty",
                     GRIDBOT_RUNTIME="wechat", GRIDBOT_BOT_TOKEN="123:secret")
    _one_sentence(result, "GRIDBOT_WEB_PORT='eighty'", "GRIDBOT_RUNTIME='wechat'",
                  "'aiogram', 'ptb' or 'webchat'", code=2)
    assert len(result.stderr.strip().splitlines()) == 2, result.stderr
    assert "validation error" not in result.stderr  # pydantic's multi-line dump


@pytest.mark.parametrize(
    ("url", "suggestion"),
    [
        ("sqlite:///./data/grid.db", "use sqlite+aiosqlite:///./data/grid.db"),
        ("postgres://grid:pw@db.example/grid", "use postgresql+asyncpg://grid:pw@db.example/grid"),
        ("postgresql://grid@db/grid", "use postgresql+asyncpg://grid@db/grid"),
        ("mysql://grid@db/grid",
         "sqlite+aiosqlite:///./gridbot.db or postgresql+asyncpg://user:password@host/db"),
    ],
    ids=["sqlite-sync", "postgres", "postgresql", "other"],
)
def test_a_wrong_database_url_suggests_the_supported_form(tmp_path, url, suggestion):
    result = gridbot(tmp_path, "db", "upgrade", GRIDBOT_DATABASE_URL=url)
    _one_sentence(result, "GRIDBOT_DATABASE_URL", suggestion, code=2)
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_database_is_one_sentence(tmp_path):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"postgresql+asyncpg://grid:s3cret@127.0.0.1:{port}/grid"
    result = gridbot(tmp_path, "run", GRIDBOT_DATABASE_URL=url, GRIDBOT_BOT_TOKEN="1:x")
    _one_sentence(result, "cannot open the database", f"127.0.0.1:{port}", code=1)
    assert "s3cret" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_broken_sla_policy_names_the_key_without_a_traceback(tmp_path):
    policy = tmp_path / "sla.yaml"
    shipped = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    policy.write_text(shipped.replace("on_site: 3h", "on_site: soon"), encoding="utf-8")
    result = gridbot(tmp_path, "demo", "--port", "0", GRIDBOT_SLA_POLICY=str(policy))
    _one_sentence(result, "on_site", "'soon' is not a duration", code=2)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_busy_port_for_demo_is_one_sentence_and_nothing_claims_to_serve(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = gridbot(tmp_path, "demo", "--port", str(port), GRIDBOT_LOG_LEVEL="WARNING")
    _one_sentence(result, f"127.0.0.1:{port}", "--port", code=1)
    assert "http://" not in result.stdout  # never "serving on" a port we do not have
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_debug_level_adds_the_traceback(tmp_path):
    result = gridbot(tmp_path, "db", "upgrade", GRIDBOT_DATABASE_URL="sqlite:///x.db",
                     GRIDBOT_LOG_LEVEL="DEBUG")
    assert result.returncode == 2
    assert "Traceback" in result.stderr
    assert result.stderr.strip().endswith("/ 数据库地址请用 sqlite+aiosqlite:///")


def test_the_cli_imports_no_runtime_until_a_command_needs_it():
    """`gridbot --help` answers at once: the runtimes, Alembic and YAML are imported inside
    the commands (measured with `python -X importtime -c "import bot.cli"`, see README)."""
    import subprocess
    import sys

    probe = ("import sys, bot.cli; print(sorted(m for m in ('aiogram', 'telegram', 'fastapi', "
             "'uvicorn', 'apscheduler', 'alembic', 'yaml', 'bot.bootstrap', 'models.org.importer', "
             "'structlog') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
