"""The office-hours clock takes China's holidays and 调休 days from chinesecalendar, the policy
file's own dates on top, and says so when it has no dates for this year (or, from December,
the next). Driven by the fake clock, on the policy file shipped with the code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from structlog.testing import capture_logs

from bot.bootstrap import build_core
from bot.check.holidays import holiday_data_problem
from bot.settings import Settings
from models.clock import FakeClock
from models.sla.load import DEFAULT_PATH, load_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
H = timedelta(hours=1)
OFFICE = load_policy().calendars["working_hours"]


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI).astimezone(UTC)


def _policy_file(tmp_path: Path, **calendar) -> Path:
    doc = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    doc["calendars"]["working_hours"].update(calendar)
    path = tmp_path / "sla.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _settings(tmp_path: Path, policy: Path | None = None) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db",
                    sla_policy=policy)


def test_the_national_day_holiday_2026_is_skipped():
    clock = FakeClock(local(2026, 9, 30, 16, 0))  # Wednesday; 1 Oct - 7 Oct are off
    due = OFFICE.add(clock.now(), 3 * H)
    assert due == local(2026, 10, 8, 10, 0)  # 1h30m on 30 Sep, 1h30m on Thursday 8 Oct
    clock.advance(days=7, hours=7)  # 7 Oct 23:00, the last evening of the holiday
    assert OFFICE.elapsed(local(2026, 9, 30, 16, 0), clock.now()) == 1.5 * H


def test_the_make_up_saturday_is_worked():
    clock = FakeClock(local(2026, 10, 9, 17, 0))  # Friday; Saturday 10 Oct is a 调休 day
    assert OFFICE.add(clock.now(), H) == local(2026, 10, 10, 9, 0)
    clock.advance(hours=19)  # Saturday 12:00
    assert OFFICE.elapsed(local(2026, 10, 9, 17, 0), clock.now()) == 4 * H


def test_the_policy_files_own_dates_win(tmp_path):
    path = _policy_file(tmp_path, holidays=["2026-11-30", "2026-10-10"], workdays=["2026-10-02"])
    office = load_policy(path).calendars["working_hours"]
    assert office.day_periods(local(2026, 11, 30, 12).date()) == ()  # a local day off
    assert office.day_periods(local(2026, 10, 10, 12).date()) == ()  # the 调休 Saturday undone
    assert office.day_periods(local(2026, 10, 2, 12).date())  # this office works 2 Oct
    off = load_policy(_policy_file(tmp_path, national_holidays=False)).calendars["working_hours"]
    assert off.day_periods(local(2026, 10, 1, 12).date())  # no package: 1 Oct is a Thursday


@pytest.mark.parametrize(("today", "missing"), [
    (local(2026, 11, 30, 23, 59), None),  # late November: 2026 is all that is needed
    (local(2026, 12, 1, 0, 0), "2027"),  # December: the next year must be there too
    (local(2027, 3, 1, 9, 0), "2027"),  # a year the package has no data for
])
def test_missing_holiday_data_is_one_sentence(tmp_path, today, missing):
    problem = holiday_data_problem(_settings(tmp_path), FakeClock(today))
    if missing is None:
        assert problem is None
        return
    assert f"no public holidays for {missing}" in problem
    assert "pip install -U chinesecalendar" in problem and "节假日数据" in problem


def test_the_policys_own_dates_for_next_year_count_as_data(tmp_path):
    path = _policy_file(tmp_path, holidays=["2027-01-01..2027-01-03"])
    assert holiday_data_problem(_settings(tmp_path, path), FakeClock(local(2026, 12, 5))) is None


def test_a_policy_without_office_hours_needs_no_dates(tmp_path):
    doc = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    for block in doc["categories"].values():
        block.pop("clock", None)
    path = tmp_path / "sla.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert holiday_data_problem(_settings(tmp_path, path), FakeClock(local(2031, 1, 1))) is None


async def test_the_start_warns_in_the_log(tmp_path):
    for today, warned in ((local(2026, 12, 1), True), (local(2026, 11, 1), False)):
        with capture_logs() as logs:
            core = build_core(_settings(tmp_path), FakeClock(today))
        await core.engine.dispose()
        found = [e for e in logs if e["event"] == "sla.holiday_data_missing"]
        assert bool(found) is warned, logs
        if warned:
            assert found[0]["log_level"] == "warning" and "2027" in found[0]["problem"]
