"""The SLA policy file and the pure functions over it: calendars, lights and the 督办 ladder.

All in memory: no database. Times are written in Shanghai wall time (`sh(...)`) and compared
as UTC, the way the bot stores them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from models.lifecycle import Status
from models.sla import (
    ContinuousCalendar,
    Light,
    Milestone,
    PolicyError,
    WorkingHoursCalendar,
    default_policy,
    light,
    load_policy,
    milestone_for,
    next_step,
    step_times,
    when_next,
)
from models.sla.load import DEFAULT_PATH

SHANGHAI = ZoneInfo("Asia/Shanghai")
H, M = timedelta(hours=1), timedelta(minutes=1)
POLICY = default_policy()
OFFICE = POLICY.calendars["working_hours"]
NONSTOP = POLICY.calendars["continuous"]


def sh(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    """A Shanghai wall-clock time in 2026, as the UTC datetime the bot stores."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


# --- the policy file -----------------------------------------------------------------------


def test_default_policy_is_the_yingkou_promise():
    deadlines, calendar, escalation = POLICY.rule_for("other", urgent=False)
    assert (deadlines.on_site, deadlines.resolve) == (3 * H, 24 * H)
    assert (deadlines.feedback, deadlines.accept) == (36 * H, 48 * H)
    assert deadlines.take == 1 * H
    assert isinstance(calendar, ContinuousCalendar)
    assert escalation.yellow_at == 0.8
    assert [(t.to, t.card, t.after) for t in escalation.tiers] == [
        ("community", None, 2 * H),
        ("street", "yellow_card", 2 * H),
        ("district", "red_card", 2 * H),
    ]
    reported = sh(3, 14, 23, 10)  # a Saturday night: the continuous clock does not care
    hours = {m: POLICY.due_at(reported, "drainage", False, m) - reported for m in Milestone}
    assert hours == {"take": H, "on_site": 3 * H, "resolve": 24 * H, "feedback": 36 * H,
                     "accept": 48 * H}


def test_timezone_and_2026_holidays_follow_the_state_council_notice():
    assert POLICY.timezone == SHANGHAI
    assert isinstance(OFFICE, WorkingHoursCalendar)
    # From the chinesecalendar package (models/sla/holidays.py), not from our policy file.
    holidays = {day for day in OFFICE.holidays if day.year == 2026}
    workdays = {day for day in OFFICE.workdays if day.year == 2026}
    assert len(holidays) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert {sh(2, 17).astimezone(SHANGHAI).date(), sh(10, 7).astimezone(SHANGHAI).date()} <= (
        holidays
    )
    assert all(day.weekday() >= 5 for day in workdays) and len(workdays) == 6


def test_urgent_tickets_and_urgent_categories_get_urgent_deadlines():
    gas, calendar, escalation = POLICY.rule_for("gas", urgent=False)  # gas is urgent by itself
    assert (gas.take, gas.on_site, gas.resolve) == (10 * M, 30 * M, 4 * H)
    assert isinstance(calendar, ContinuousCalendar)
    assert escalation.tiers[0].after == 30 * M
    assert POLICY.rule_for("drainage", urgent=True) == POLICY.rule_for("gas", urgent=False)
    # An urgent neighbour fight (有人受伤) does not wait for office hours.
    fight, calendar, _ = POLICY.rule_for("dispute", urgent=True)
    assert fight.on_site == 30 * M and isinstance(calendar, ContinuousCalendar)
    friday_night = sh(3, 13, 22)
    assert POLICY.due_at(friday_night, "gas", False, "on_site") == friday_night + 30 * M


def test_category_overrides_and_unknown_categories():
    dispute, calendar, _ = POLICY.rule_for("dispute")
    assert calendar is OFFICE and dispute.resolve == 22 * H + 30 * M  # 3 office days
    assert POLICY.rule_for("noise").deadlines.on_site == 1 * H
    assert POLICY.rule_for("noise").deadlines.resolve == 24 * H  # the rest from defaults
    assert POLICY.rule_for("no-such-category") == POLICY.rule_for("other")


@pytest.mark.parametrize(
    ("status", "feedback_given", "milestone"),
    [
        (Status.NEW, False, Milestone.TAKE),
        (Status.TAKEN, False, Milestone.ON_SITE),
        (Status.ON_SITE, False, Milestone.RESOLVE),
        (Status.REOPENED, False, Milestone.RESOLVE),
        (Status.RESOLVED, False, Milestone.FEEDBACK),
        (Status.RESOLVED, True, Milestone.ACCEPT),
        (Status.RATED, False, None),
        (Status.CLOSED, False, None),
        (Status.REJECTED, False, None),
        (Status.DUPLICATE, False, None),
        ("taken", False, Milestone.ON_SITE),
    ],
)
def test_milestone_for_each_status(status, feedback_given, milestone):
    assert milestone_for(status, feedback_given) == milestone


def test_a_paused_ticket_races_no_deadline_and_its_clock_restarts_where_it_stopped():
    if "waiting" in {s.value for s in Status}:
        assert milestone_for("waiting") is None
    # Office rule: reported Friday 16:30, waited 1 office hour (Friday 16:30-17:30).
    start = POLICY.clock_start(sh(3, 13, 16, 30), "dispute", False, 1 * H)
    assert start == sh(3, 13, 17, 30)
    assert POLICY.due_at(start, "dispute", False, "take") == sh(3, 16, 10, 30)
    # Round the clock: simply later by the pause.
    assert POLICY.clock_start(sh(3, 13, 16, 30), "other", False, 5 * H) == sh(3, 13, 21, 30)


# --- bad files ------------------------------------------------------------------------------


def _set(*path, value):
    def change(doc):
        *parents, last = path
        for key in parents:
            doc = doc[key]
        doc[last] = value

    return change


def _delete(*path):
    def change(doc):
        *parents, last = path
        for key in parents:
            doc = doc[key]
        del doc[last]

    return change


WH = ("calendars", "working_hours")


def _both(first, second):
    def change(doc: dict) -> None:
        first(doc)
        second(doc)

    return change


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (_set("defaults", "resolve", value="24 hours"), "defaults.resolve", "not a duration"),
        (_set("defaults", "resolve", value="0h"), "defaults.resolve", "longer than zero"),
        (_set("categories", "dispute", "clock", value="office"), "categories.dispute.clock",
         "no such calendar"),
        (_set("categories", "dispute", "reslove", value="3h"), "categories.dispute.reslove",
         "unknown key"),
        (_set("categories", "firework", value={"take": "1h"}), "categories.firework",
         "unknown category"),
        (_set(*WH, "hours", "mon", value=["08:30-12:00", "13:30-12:30"]),
         "calendars.working_hours.hours.mon[1]", "start must come before the end"),
        (_set(*WH, "hours", "tue", value=["8.30 to 12"]), "calendars.working_hours.hours.tue[0]",
         "quoted"),
        (_set(*WH, "holidays", value=["2026-13-01"]), "calendars.working_hours.holidays[0]",
         "not a date"),
        (_set(*WH, "workdays", value=["2026-03-10"]), "calendars.working_hours.workdays",
         "working day already"),
        (_both(_set(*WH, "holidays", value=["2026-10-03"]),
               _set(*WH, "workdays", value=["2026-10-03"])), "calendars.working_hours.workdays",
         "holiday too"),
        (_set(*WH, "national_holidays", value="yes"), "calendars.working_hours.national_holidays",
         "true or false"),
        (_set(*WH, "type", value="office"), "calendars.working_hours.type", "working_hours"),
        (_set("defaults", "yellow_at", value=1.5), "defaults.yellow_at", "between 0 and 1"),
        (_set("timezone", value="Asia/Shangai"), "timezone", "unknown time zone"),
        (_set("urgent", "resolve", value="72h"), "urgent (over defaults)",
         "feedback (12h) falls before resolve (72h)"),
        (_set("categories", "noise", "on_site", value="30m"), "categories.noise",
         "on_site (30m) falls before take (1h)"),
        (_set("defaults", "ladder", value=[{"to": "street"}, {"to": "community"}]),
         "defaults.ladder[1].to", "above the last"),
        (_set("defaults", "ladder", value=[{"to": "street", "card": "blue_card"}]),
         "defaults.ladder[0].card", "expected one of"),
        (_delete("defaults", "accept"), "defaults", "missing accept"),
        (_delete("urgent"), "urgent", "missing"),
    ],
)
def test_a_bad_policy_file_names_the_key(tmp_path: Path, change, key, words):
    doc = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "sla_policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.key == key
    assert words in caught.value.problem
    assert str(caught.value).startswith(f"sla_policy.yaml: {key}: ")


def test_a_file_that_is_not_yaml_or_not_there(tmp_path: Path):
    broken = tmp_path / "sla_policy.yaml"
    broken.write_text("defaults: [1h,\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"\(file\): not valid YAML"):
        load_policy(broken)
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.yaml")


def test_office_hours_are_wall_time_in_the_policy_timezone(tmp_path: Path):
    doc = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    doc["timezone"] = "Europe/Berlin"  # summer time starts on Sunday 29 March 2026
    path = tmp_path / "sla_policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    office = load_policy(path).calendars["working_hours"]
    berlin = ZoneInfo("Europe/Berlin")
    friday = datetime(2026, 3, 27, 17, 0, tzinfo=berlin)
    monday = office.add(friday, 1 * H)
    assert monday == datetime(2026, 3, 30, 9, 0, tzinfo=berlin) == datetime(2026, 3, 30, 7, 0,
                                                                          tzinfo=UTC)
    assert monday.tzinfo is UTC


# --- calendars ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "due", "why"),
    [
        (sh(3, 10, 10), 2 * H, sh(3, 10, 12), "ends exactly at the lunch break, not after it"),
        (sh(3, 10, 11), 2 * H, sh(3, 10, 14, 30), "skips the lunch break"),
        (sh(3, 10, 12, 30), 1 * H, sh(3, 10, 14, 30), "reported at lunch: counts from 13:30"),
        (sh(3, 10, 16, 30), 2 * H, sh(3, 11, 9, 30), "skips the evening and the night"),
        # 30 min on Friday (17:00-17:30), then 2h30m from 08:30 on Monday: 11:00, not 10:30.
        (sh(3, 13, 17), 3 * H, sh(3, 16, 11), "skips the weekend"),
        (sh(3, 14, 10), 1 * H, sh(3, 16, 9, 30), "reported on Saturday: counts from Monday"),
        (sh(9, 30, 17), 1 * H, sh(10, 8, 9), "skips 国庆 1-7 Oct"),
        (sh(10, 9, 17), 1 * H, sh(10, 10, 9), "works the 调休 Saturday 10 Oct"),
        (sh(9, 19, 10), 1 * H, sh(9, 20, 9, 30), "works the 调休 Sunday 20 Sep"),
        (sh(2, 13, 17), 1 * H, sh(2, 14, 9), "works Saturday 14 Feb before 春节"),
        (sh(2, 14, 17), 1 * H, sh(2, 24, 9), "then nothing until 24 Feb"),
        (sh(3, 10, 9), 7 * H + 30 * M, sh(3, 11, 9), "one office day is 7h30m"),
        (sh(3, 10, 20), timedelta(0), sh(3, 10, 20), "nothing to add: stays put"),
    ],
)
def test_working_hours_arithmetic(start, duration, due, why):
    assert OFFICE.add(start, duration) == due, why
    assert OFFICE.elapsed(start, due) == duration, why


def test_the_friday_afternoon_report():
    """Friday 13 March 17:00, 3 office hours: Monday 11:00 (30 min Friday, 2h30m Monday)."""
    friday = sh(3, 13, 17)
    assert OFFICE.add(friday, 3 * H).astimezone(SHANGHAI) == datetime(
        2026, 3, 16, 11, 0, tzinfo=SHANGHAI
    )
    assert OFFICE.elapsed(friday, sh(3, 16, 10, 30)) == 2 * H + 30 * M
    assert OFFICE.elapsed(friday, sh(3, 15, 23)) == 30 * M  # the weekend adds nothing


def test_continuous_clock_ignores_nights_weekends_and_holidays():
    for start in (sh(3, 13, 17), sh(9, 30, 17), sh(3, 10, 11), sh(2, 14, 17)):
        assert NONSTOP.add(start, 3 * H) == start + 3 * H
        assert NONSTOP.elapsed(start, start + 50 * H) == 50 * H
    assert NONSTOP.elapsed(sh(3, 10, 12), sh(3, 10, 11)) == timedelta(0)


def test_calendars_refuse_naive_times_and_negative_durations():
    for calendar in (OFFICE, NONSTOP):
        with pytest.raises(ValueError, match="naive"):
            calendar.add(datetime(2026, 3, 10, 9), H)
        with pytest.raises(ValueError, match="negative"):
            calendar.add(sh(3, 10, 9), -H)


# --- lights and the ladder ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("used", "colour"),
    [
        (timedelta(0), Light.GREEN),
        (timedelta(hours=2, minutes=22, seconds=12), Light.GREEN),  # 79 %
        (timedelta(hours=2, minutes=24) - timedelta(microseconds=1), Light.GREEN),
        (timedelta(hours=2, minutes=24), Light.YELLOW),  # 80 %
        (timedelta(hours=2, minutes=59, seconds=59), Light.YELLOW),
        (timedelta(hours=3), Light.RED),  # 100 %: the time is used up
        (timedelta(hours=30), Light.RED),  # overdue
    ],
)
def test_traffic_light_boundaries(used, colour):
    reported = sh(3, 10, 9)
    due = POLICY.due_at(reported, "other", False, "on_site")
    assert light(reported, due, reported + used, NONSTOP, 0.8) == colour


def test_the_light_counts_office_time_only():
    reported = sh(3, 13, 17)  # Friday 17:00; 3 office hours → Monday 11:00
    due = OFFICE.add(reported, 3 * H)
    assert light(reported, due, sh(3, 15, 23), OFFICE, 0.8) == Light.GREEN  # 17 % on Sunday
    assert light(reported, due, sh(3, 16, 10, 24), OFFICE, 0.8) == Light.YELLOW  # 2h24m = 80 %
    assert light(reported, due, sh(3, 16, 10, 23), OFFICE, 0.8) == Light.GREEN


def test_the_ladder_in_order_and_a_late_sweep_gets_every_missed_step():
    rule = POLICY.rule_for("other")
    reported = sh(3, 10, 9)
    due = reported + 3 * H
    args = (rule.escalation, rule.calendar)
    assert next_step(reported, due, reported + 2 * H, set(), *args) == []
    assert next_step(reported, due, reported + 2 * H + 24 * M, set(), *args) == ["yellow"]
    assert next_step(reported, due, due, {"yellow"}, *args) == ["red"]
    # The sweep was down for 5 hours after the deadline: everything it missed, in order.
    late = next_step(reported, due, due + 5 * H, set(), *args)
    assert late == ["yellow", "red", "escalate_1", "escalate_2"]
    assert next_step(reported, due, due + 5 * H, set(late), *args) == []
    assert next_step(reported, due, due + 6 * H, set(late), *args) == ["escalate_3"]
    assert rule.escalation.tier_of("escalate_2").card == "yellow_card"
    assert rule.escalation.tier_of("escalate_3").to == "district"
    assert rule.escalation.tier_of("red") is None
    assert when_next(reported, due, set(late), *args) == due + 6 * H
    assert when_next(reported, due, set(rule.escalation.steps), *args) is None


def test_escalation_margins_count_office_time():
    rule = POLICY.rule_for("dispute")
    reported = sh(3, 13, 10)  # Friday 10:00; 7h30m office time → Monday 10:00
    due = POLICY.due_at(reported, "dispute", False, "on_site")
    assert due == sh(3, 16, 10)
    times = dict(step_times(reported, due, rule.escalation, rule.calendar))
    assert times["escalate_1"] == sh(3, 16, 15, 15)  # 3h45m of office time, lunch skipped
    assert next_step(reported, due, sh(3, 15, 20), set(), rule.escalation, rule.calendar) == [
        "yellow"
    ]


# --- properties ----------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2025, 12, 20), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=200))


@settings(max_examples=300, deadline=None)
@given(
    reported=moments,
    category=st.sampled_from(["other", "gas", "dispute", "noise", "drainage"]),
    urgent=st.booleans(),
    milestone=st.sampled_from(list(Milestone)),
    jumps=st.lists(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2)),
                   max_size=25),
)
def test_each_step_once_never_early_never_skipped(reported, category, urgent, milestone, jumps):
    _, calendar, escalation = POLICY.rule_for(category, urgent)
    due = POLICY.due_at(reported, category, urgent, milestone)
    emitted: list[str] = []
    now = reported
    far = due + timedelta(days=60)
    for now in [*(reported + sum(jumps[: i + 1], timedelta()) for i in range(len(jumps))), far]:
        steps = next_step(reported, due, now, set(emitted), escalation, calendar)
        assert not set(steps) & set(emitted), "a step came twice"
        emitted += steps
        # Judged without the ladder's own timetable: what has to be done by `now`.
        owed = []
        if light(reported, due, now, calendar, escalation.yellow_at) != Light.GREEN:
            owed.append("yellow")
        if now >= due:
            owed.append("red")
        margin = timedelta(0)
        for step, tier in zip(escalation.steps[2:], escalation.tiers, strict=True):
            margin += tier.after
            if now >= due and calendar.elapsed(due, now) >= margin:
                owed.append(step)
        assert emitted == owed, "early, late or out of order"
    assert emitted == list(escalation.steps)


@settings(max_examples=300, deadline=None)
@given(start=moments, first=durations, second=durations)
def test_office_add_is_monotone_and_elapsed_inverts_it(start, first, second):
    short, long = sorted((first, second))
    assert OFFICE.add(start, short) <= OFFICE.add(start, long)
    assert OFFICE.elapsed(start, OFFICE.add(start, first)) == first
    assert OFFICE.add(OFFICE.add(start, first), second) == OFFICE.add(start, first + second)
    end = OFFICE.add(start, first)
    assert OFFICE.elapsed(start, end) <= max(end - start, timedelta(0))


@settings(max_examples=200, deadline=None)
@given(start=moments, end=moments)
def test_office_elapsed_never_counts_outside_office_hours(start, end):
    counted = OFFICE.elapsed(start, end)
    assert timedelta(0) <= counted <= max(end - start, timedelta(0))
    if counted:
        # Adding back what was counted lands at or before `end`, inside office time.
        back = OFFICE.add(start, counted)
        assert back <= end
        assert OFFICE.elapsed(back, end) == timedelta(0)
