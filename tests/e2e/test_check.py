"""`gridbot check` as a process: a good set-up passes with its warnings; a broken one exits 1."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from models.sla import DEFAULT_POLICY_PATH
from tests.e2e.harness import TOKEN, make_stage
from tests.support.process import gridbot

pytestmark = pytest.mark.e2e


async def _check(stage, tmp_path: Path, **env: str):
    base = {"GRIDBOT_DATABASE_URL": stage.settings.database_url, "GRIDBOT_BOT_TOKEN": TOKEN,
            "GRIDBOT_TELEGRAM_API_URL": stage.emu.base_url}
    return await asyncio.to_thread(gridbot, tmp_path, "check", **{**base, **env})


def _marked(output: str, mark: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(mark)]


async def test_a_good_setup_passes_and_names_what_to_look_at(emu, tmp_path):
    stage = await make_stage(emu, tmp_path)
    result = await _check(stage, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _marked(result.stdout, "✗") == []
    ok = "\n".join(_marked(result.stdout, "✓"))
    for expected in ("settings / 配置", "database / 数据库", "database schema", "SLA policy",
                     "@gridbot_test_bot", "2 grids / 个网格, 2 with a group"):
        assert expected in ok, result.stdout
    # From December the shipped office-hours calendar also wants next year's holidays, which
    # chinesecalendar may not have yet: that warning depends on the date, see the test below.
    assert _dated(_marked(result.stdout, "⚠")) == [
        "⚠ grids without a grid leader / 没有网格长的网格: G0103"]
    assert TOKEN not in result.stdout + result.stderr


def _dated(lines: list[str]) -> list[str]:
    return [line for line in lines if "has no public holidays for" not in line]


async def test_an_office_calendar_without_holiday_data_is_a_warning(emu, tmp_path):
    stage = await make_stage(emu, tmp_path)
    policy = tmp_path / "sla.yaml"
    shipped = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    assert "national_holidays: true" in shipped
    policy.write_text(shipped.replace("national_holidays: true", "national_holidays: false"),
                      encoding="utf-8")
    result = await _check(stage, tmp_path, GRIDBOT_SLA_POLICY=str(policy))
    assert result.returncode == 0, result.stdout + result.stderr
    warned = "\n".join(_marked(result.stdout, "⚠"))
    assert "the office-hours calendar 'working_hours' has no public holidays for" in warned
    assert "chinesecalendar" in warned


async def test_staff_messages_nobody_received_are_a_warning(emu, tmp_path):
    from sqlmodel import select

    from models.org import Area
    from models.ticket import UndeliverableNotice

    stage = await make_stage(emu, tmp_path)
    async with stage.deps.session_factory() as s, s.begin():
        grid = (await s.exec(select(Area).where(Area.code == "G0102"))).one()
        for kind in ("breach", "digest"):
            s.add(UndeliverableNotice(kind=kind, area_id=grid.id, text="…",
                                      at=stage.deps.clock.now()))
    result = await _check(stage, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    warned = "\n".join(_marked(result.stdout, "⚠"))
    assert "2 staff messages in the last 7 days reached nobody" in warned
    assert "G0102 ×2" in warned and "/bind CODE staff" in warned


async def test_a_broken_setup_lists_each_problem_and_exits_1(emu, tmp_path):
    stage = await make_stage(emu, tmp_path)
    policy = tmp_path / "sla.yaml"
    shipped = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    policy.write_text(shipped.replace("on_site: 3h", "on_site: soon"), encoding="utf-8")
    result = await _check(stage, tmp_path, GRIDBOT_SLA_POLICY=str(policy),
                          GRIDBOT_BOT_TOKEN="999:not-this-bot")
    assert result.returncode == 1
    failed = "\n".join(_marked(result.stdout, "✗"))
    assert "'soon' is not a duration" in failed
    assert "Telegram refused GRIDBOT_BOT_TOKEN (401)" in failed
    assert "Traceback" not in result.stdout + result.stderr


async def test_no_schema_and_no_org_are_failures(emu, tmp_path):
    stage = await make_stage(emu, tmp_path)
    empty = f"sqlite+aiosqlite:///{tmp_path}/empty.db"
    result = await _check(stage, tmp_path, GRIDBOT_DATABASE_URL=empty)
    assert result.returncode == 1
    assert "✗ database schema is not up to date: run `gridbot db upgrade`" in result.stdout
    await asyncio.to_thread(gridbot, tmp_path, "db", "upgrade", GRIDBOT_DATABASE_URL=empty)
    result = await _check(stage, tmp_path, GRIDBOT_DATABASE_URL=empty)
    assert result.returncode == 1
    assert "✗ no grids yet: import the org with `gridbot org import FILE`" in result.stdout


async def test_bad_settings_and_a_wrong_database_url_are_listed(emu, tmp_path):
    stage = await make_stage(emu, tmp_path)
    result = await _check(stage, tmp_path, GRIDBOT_LOG_FORMAT="xml")
    assert result.returncode == 1
    assert _marked(result.stdout, "✗")[0].startswith("✗ bad setting / 配置错误: GRIDBOT_LOG_FORMAT")
    result = await _check(stage, tmp_path, GRIDBOT_DATABASE_URL="postgres://u@db/grid")
    assert result.returncode == 1
    assert "✗ GRIDBOT_DATABASE_URL needs the asyncpg driver: use postgresql+asyncpg://u@db/grid" \
        in result.stdout
