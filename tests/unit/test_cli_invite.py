"""`gridbot invite` (bot/cli/invite.py): create in the README's form and as `create`, list,
revoke; refusals in one sentence. Runs the real CLI in-process on a migrated SQLite file,
with the fixtures of test_cli.py."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.invites import bot_username, new_invite_code
from bot.settings import Settings
from tests.unit.test_cli import EXAMPLES, cli, db_file, rows  # noqa: F401 - fixtures

CODE = r"[A-Za-z0-9_-]{12}"
NAMED = {"GRIDBOT_BOT_USERNAME": "gridbot_test_bot"}


@pytest.fixture
def org(cli):  # noqa: F811 - the fixture imported above
    assert cli("org", "import", str(EXAMPLES / "org.yaml")).exit_code == 0


def _code(result) -> str:
    return re.search(rf"邀请码: ({CODE}) ", result.stdout)[1]


def test_invite_prints_a_deep_link_and_stores_the_code(cli, db_file, org):  # noqa: F811
    result = cli("invite", "--grid", "g0101", "--role", "worker",
                 GRIDBOT_BOT_USERNAME="@gridbot_test_bot")
    assert result.exit_code == 0, result.output
    link = re.search(rf"https://t\.me/gridbot_test_bot\?start=({CODE})$", result.stdout, re.M)
    assert link, result.stdout
    stored = rows(db_file, "select i.role, a.code, i.department_id, i.used_at, "
                           "julianday(i.expires_at) - julianday(i.created_at) from invite_code i "
                           f"join area a on a.id = i.area_id where i.code = '{link[1]}'")
    assert stored[0][:4] == ("worker", "G0101", None, None)
    assert stored[0][4] == pytest.approx(7)  # the default lifetime


def test_create_is_the_same_as_the_old_form_and_takes_expires(cli, db_file, org):  # noqa: F811
    result = cli("invite", "create", "--area", "ZHANNAN", "--role", "liaison",
                 "--department", "gas", "--expires", "12h", **NAMED)
    assert result.exit_code == 0, result.output
    assert rows(db_file, "select d.code, round((julianday(i.expires_at) - "
                         "julianday(i.created_at)) * 24) from invite_code i "
                         "join department d on d.id = i.department_id") == [("gas", 12.0)]


def test_invite_without_a_username_prints_the_code_and_the_hint(cli, org):  # noqa: F811
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
        (("--grid", "SIHAI", "--role", "worker"), "role worker belongs at a grid, and SIHAI"),
        (("--grid", "G0101", "--role", "admin"), "role admin belongs at a community/"),
        (("--grid", "G0101", "--role", "worker", "--expires", "soon"), "--expires: 'soon'"),
        (("--grid", "G0101"), "give --grid CODE and --role ROLE"),
    ],
    ids=["area", "role", "liaison-no-department", "department", "department-not-liaison",
         "worker-at-community", "admin-at-grid", "expires", "no-role"],
)
def test_invite_refusals(cli, db_file, org, args, message):  # noqa: F811
    result = cli("invite", *args, **NAMED)
    assert result.exit_code != 0
    assert message in result.stderr and "Traceback" not in result.output
    assert rows(db_file, "select count(*) from invite_code") == [(0,)]


def test_list_shows_each_code_and_what_became_of_it(cli, db_file, org):  # noqa: F811
    assert "no invite codes yet" in cli("invite", "list").stdout
    worker = _code(cli("invite", "--grid", "G0101", "--role", "worker", **NAMED))
    admin = _code(cli("invite", "--grid", "SIHAI", "--role", "admin", "--expires", "3d", **NAMED))
    assert cli("invite", "revoke", admin).stdout.startswith(f"revoked / 已作废: {admin}")
    listing = cli("invite", "list")
    assert listing.exit_code == 0, listing.output
    lines = {line.split()[0]: line for line in listing.stdout.splitlines()[1:]}
    assert re.search(r"worker +G0101 +\d{4}-\d\d-\d\d \d\d:\d\d +\d{4}-.* open / 可用$",
                     lines[worker])
    assert re.search(r"admin +SIHAI .* revoked / 已作废$", lines[admin])
    again = cli("invite", "revoke", admin)
    assert again.exit_code == 0 and "already revoked" in again.stdout
    unknown = cli("invite", "revoke", "nope")
    assert unknown.exit_code == 1 and "unknown invite code nope" in unknown.stderr


def test_invite_before_any_database_says_what_to_run(cli, db_file):  # noqa: F811
    for args in (("--grid", "G0101", "--role", "worker"), ("list",), ("revoke", "x")):
        result = cli("invite", *args)
        assert result.exit_code == 1
        assert "gridbot db upgrade" in result.stderr and "Traceback" not in result.output
    assert not db_file.exists()  # no stray empty database left behind
    db_file.parent.mkdir(parents=True)
    db_file.touch()  # a file, but never migrated
    result = cli("invite", "--grid", "G0101", "--role", "worker")
    assert result.exit_code == 1
    assert "no such table" in result.stderr and "gridbot db upgrade" in result.stderr


def test_the_invite_module_loads_no_messenger_or_database():
    probe = ("import sys, bot.cli.invite; "
             "print(sorted(m for m in ('aiogram', 'telegram', 'fastapi', 'sqlalchemy') "
             "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


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
