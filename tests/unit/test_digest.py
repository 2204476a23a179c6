"""The digests: 日排查日报告 to grid leaders, 周调度周报告 to the community, 月调度月报告 to the
street; their figures across local period boundaries, sent once, and their cron jobs."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlmodel import select

from handlers import bus
from handlers.context import Ctx
from handlers.reports.digest import (
    Figures,
    _figure_lines,
    daily_digest,
    day_period,
    month_period,
    monthly_digest,
    period_figures,
    week_period,
    weekly_digest,
)
from models.messaging import OutboxMessage
from models.org import Area, ChatGroup, Member
from models.ticket import SlaStep, Ticket, TicketEvent
from scheduler.digests import register_digest_jobs
from tests.support.outbox import take_outbox, texts_to
from tests.support.world import PLATFORM, Script, build_world
from tests.unit._helpers import add_person, area_id, report_in_group, undeliverable

SH = ZoneInfo("Asia/Shanghai")


def local(when: str) -> datetime:
    """A wall-clock time in Shanghai, as the aware UTC datetime the store keeps."""
    return datetime.fromisoformat(when).replace(tzinfo=SH).astimezone(UTC)


# ---- periods --------------------------------------------------------------------------------


def test_periods_are_cut_on_the_local_clock():
    day = day_period(local("2026-11-22T17:59"), SH)
    assert (day.label, day.start, day.end) == (
        "2026-11-21", local("2026-11-20T18:00"), local("2026-11-21T18:00"))
    assert day_period(local("2026-11-22T18:00"), SH).label == "2026-11-22"

    # Monday 00:30 in Shanghai is still Sunday in UTC: the week is cut locally.
    week = week_period(local("2026-11-23T00:30"), SH)
    assert (week.label, week.start, week.end) == (
        "2026-W47", local("2026-11-16T00:00"), local("2026-11-23T00:00"))
    assert week_period(local("2026-11-22T23:59"), SH).label == "2026-W46"

    month = month_period(local("2027-01-01T09:00"), SH)
    assert (month.label, month.start, month.end) == (
        "2026-12", local("2026-12-01T00:00"), local("2027-01-01T00:00"))


def test_the_headline_reads_like_the_reports(deps):
    figures = Figures(received=1161, closed=1125)
    assert figures.closure_rate == Decimal("96.9")
    headline, details = _figure_lines(Ctx(None, deps, PLATFORM), "zh_CN", figures)
    assert headline == "受理 1161 件、办结 1125 件、办结率 96.9%"
    assert details == "超时 0 件 · 即知即办 0 件 · 评价 暂无"
    assert Figures().closure_rate is None and Figures(ratings=[4, 3, 4]).average_rating == Decimal(
        "3.7")


# ---- daily ----------------------------------------------------------------------------------


async def test_the_daily_report_gives_the_leader_the_grids_day_once(deps, clock):
    world = await build_world(deps)  # Monday 2026-11-02 09:00 in Shanghai
    script = Script()
    await report_in_group(deps, script, world, "3号楼楼道声控灯不亮")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    clock.advance(hours=1)
    await report_in_group(deps, script, world, "2号楼楼道声控灯不亮")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:done:2"), deps)
    await bus.receive(script.photo(world.worker, world.worker.private_chat, "已换新灯泡",
                                   uid="fix1"), deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat, "cv:done:"), deps)
    await take_outbox(deps)

    await _bind(deps, "-100900", "G0103", "三网格工作群", purpose="staff")
    clock.advance(hours=8)  # 18:00: the first ticket's on-site deadline (12:00) has passed
    assert await daily_digest(deps, clock.now()) == 2
    out = await take_outbox(deps)
    assert texts_to(out, world.leader.private_chat) == [
        "📋 日报告 · 四海社区第二网格 · 11-02（截至 18:00）\n"
        "新报事 2 件，办结 1 件\n"
        "在办 1 件（超时 1 件）\n"
        "经办人：\n"
        "• 杨超：G0102-0001⚠️"
    ]
    assert texts_to(out, world.group_chat) == [], "the leader was reached privately"
    # The third grid has no leader and a quiet day: its staff group hears that the bot is
    # alive; its residents' group never gets the staff's report.
    assert texts_to(out, "-100900") == [
        "📋 日报告 · 四海社区第三网格 · 11-02：今日无新报事，无在办工单。"
    ]
    assert texts_to(out, world.other_group_chat) == []

    assert await daily_digest(deps, clock.now()) == 0, "a second run sends nothing"
    clock.advance(hours=5)  # a late catch-up the same evening: still the same report
    assert await daily_digest(deps, clock.now()) == 0
    assert await take_outbox(deps) == []
    async with deps.session_factory() as s:
        refs = (await s.exec(select(OutboxMessage.ref).where(
            OutboxMessage.chat_id == world.leader.private_chat))).all()
    assert "digest:day:G0102:2026-11-02" in refs

    clock.advance(hours=19)  # the next day's cut: a new report, with nothing new in it
    assert await daily_digest(deps, clock.now()) == 2
    out = await take_outbox(deps)
    [text] = texts_to(out, world.leader.private_chat)
    assert "11-03" in text and "新报事 0 件，办结 0 件" in text and "在办 1 件（超时 1 件）" in text


async def test_a_leader_without_a_private_chat_is_named_in_the_staff_group(deps, clock):
    world = await build_world(deps, started=False)
    await _bind(deps, "-100901", "SIHAI", "四海社区工作群", purpose="staff")
    clock.advance(hours=8, minutes=30)
    await report_in_group(deps, Script(), world, "楼道堆放建筑垃圾")
    clock.advance(minutes=30)  # 18:00, within the hour it has to be taken
    await daily_digest(deps, clock.now())
    out = await take_outbox(deps)
    assert texts_to(out, world.group_chat) == [], "never the residents' group"
    assert texts_to(out, "-100901") == [
        "@刘网格长 📋 日报告 · 四海社区第二网格 · 11-02（截至 18:00）\n"
        "新报事 1 件，办结 0 件\n"
        "在办 1 件（超时 0 件）\n"
        "经办人：\n"
        "• 待接单：G0102-0001",
        # The leaderless third grid's report goes to its community's staff group too.
        "📋 日报告 · 四海社区第三网格 · 11-02：今日无新报事，无在办工单。",
    ]


# ---- weekly and monthly: seeded tickets across the boundaries --------------------------------


async def _seed(deps, reporter_id: int, grid: str, n: int, created: str, *steps,
                rating: int | None = None, spot: bool = False, red: str | None = None) -> None:
    """A ticket with its audit trail: steps are (action, to_status, local time)."""
    trail = [("report", "new", created), *steps]
    async with deps.session_factory() as s, s.begin():
        grid_id = (await s.exec(select(Area.id).where(Area.code == grid))).one()
        ticket = Ticket(number=f"{grid}-{n:04d}", grid_id=grid_id, reporter_id=reporter_id,
                        text="seeded", category="other", status=trail[-1][1], rating=rating,
                        on_the_spot=spot, source_platform=PLATFORM, source_chat_id="-1",
                        created_at=local(created), updated_at=local(trail[-1][2]))
        s.add(ticket)
        await s.flush()
        for action, to_status, at in trail:
            s.add(TicketEvent(ticket_id=ticket.id, action=action, to_status=to_status,
                              at=local(at)))
        if red:
            s.add(SlaStep(ticket_id=ticket.id, milestone="take", step="red", at=local(red)))


async def _seed_sihai(deps, world) -> None:
    """Week 47 (16-22 Nov 2026) in 四海社区, with its edges."""
    who = world.resident.member_id
    await _seed(deps, who, "G0102", 1, "2026-11-16T08:00",  # 即知即办, rated 优秀
                ("resolve", "resolved", "2026-11-16T10:00"),
                ("rate_pass", "rated", "2026-11-16T12:00"),
                ("close", "closed", "2026-11-16T12:00"), rating=4, spot=True)
    await _seed(deps, who, "G0102", 2, "2026-11-18T09:00",  # failed once, then 良好
                ("take", "taken", "2026-11-18T09:30"),
                ("resolve", "resolved", "2026-11-19T10:00"),
                ("rate_fail", "reopened", "2026-11-19T15:00"),
                ("resolve", "resolved", "2026-11-20T10:00"),
                ("rate_pass", "rated", "2026-11-21T09:00"),
                ("close", "closed", "2026-11-21T09:00"), rating=3)
    await _seed(deps, who, "G0102", 3, "2026-11-20T08:00",  # late, then 不合格: reopened
                ("take", "taken", "2026-11-20T08:30"),
                ("resolve", "resolved", "2026-11-21T10:00"),
                ("rate_fail", "reopened", "2026-11-22T15:00"), rating=1,
                red="2026-11-20T11:00")
    await _seed(deps, who, "G0102", 4, "2026-11-22T23:30",  # the last half hour: this week
                red="2026-11-23T01:00")  # ... but its deadline is missed next week
    await _seed(deps, who, "G0102", 5, "2026-11-23T00:10")  # next week
    await _seed(deps, who, "G0102", 6, "2026-11-15T23:59",  # last week
                ("resolve", "resolved", "2026-11-16T08:00"))
    await _seed(deps, who, "G0102", 7, "2026-11-17T10:00",  # 不予受理: not received
                ("reject", "rejected", "2026-11-17T11:00"))
    await _seed(deps, who, "G0102", 8, "2026-11-21T09:00",  # resolved in, rated after
                ("take", "taken", "2026-11-21T09:10"),
                ("resolve", "resolved", "2026-11-22T20:00"),
                ("rate_pass", "rated", "2026-11-23T08:00"),
                ("close", "closed", "2026-11-23T08:00"), rating=4)
    await _seed(deps, who, "G0103", 1, "2026-11-19T14:00",
                ("resolve", "resolved", "2026-11-19T14:20"),
                ("rate_pass", "rated", "2026-11-19T18:00"),
                ("close", "closed", "2026-11-19T18:00"), rating=4, spot=True)


async def _bind(deps, chat_id: str, area_code: str, title: str, purpose: str = "staff") -> None:
    async with deps.session_factory() as s, s.begin():
        s.add(ChatGroup(platform=PLATFORM, chat_id=chat_id, area_id=await area_id(deps, area_code),
                        title=title, purpose=purpose, bound_at=deps.clock.now()))


async def test_weekly_figures_per_grid_for_last_week(deps):
    world = await build_world(deps)
    await _seed_sihai(deps, world)
    await _bind(deps, "-100200", "SIHAI", "四海社区工作群")
    async with deps.session_factory() as s, s.begin():
        admin = await s.get(Member, world.admin.member_id)
        admin.locale = "en"
        s.add(admin)

    now = local("2026-11-23T09:00")
    async with deps.session_factory() as s:
        figures = await period_figures(s, [world.grid_id, world.other_grid_id],
                                       week_period(now, SH))
    grid = figures[world.grid_id]
    assert (grid.received, grid.closed, grid.overdue, grid.on_the_spot) == (5, 3, 1, 1)
    assert sorted(grid.ratings) == [1, 3, 4] and grid.closure_rate == Decimal("60.0")

    assert await weekly_digest(deps, now) == 2
    out = await take_outbox(deps)
    assert texts_to(out, "-100200") == [
        "📊 周调度周报告 · 四海社区 · 11-16 至 11-22\n"
        "全社区：受理 6 件、办结 4 件、办结率 66.7%\n"
        "超时 1 件 · 即知即办 2 件 · 评价 3.0 分（良好）\n"
        "▪ 四海社区第二网格\n"
        "受理 5 件、办结 3 件、办结率 60.0%\n"
        "超时 1 件 · 即知即办 1 件 · 评价 2.7 分（良好）\n"
        "▪ 四海社区第三网格\n"
        "受理 1 件、办结 1 件、办结率 100.0%\n"
        "超时 0 件 · 即知即办 1 件 · 评价 4.0 分（优秀）"
    ]
    [english] = texts_to(out, world.admin.private_chat)
    assert english.splitlines()[:3] == [
        "📊 Weekly report · 四海社区 · 11-16 to 11-22",
        "Whole community: Received 6, closed 4, closure rate 66.7%",
        "Overdue 1 · on the spot 2 · rating 3.0 (Good)",
    ]
    assert texts_to(out, world.leader.private_chat) == [], "grid leaders get the daily one"
    assert await weekly_digest(deps, local("2026-11-25T10:00")) == 0, "same week: sent already"


async def test_monthly_figures_per_community_with_the_street_total(deps):
    world = await build_world(deps)
    await _seed_sihai(deps, world)
    async with deps.session_factory() as s, s.begin():
        street = (await s.exec(select(Area).where(Area.code == "ZHANNAN"))).one()
        heping = Area(code="HEPING", name="和平社区", kind="community", parent_id=street.id)
        yongan = Area(code="YONGAN", name="永安社区", kind="community", parent_id=street.id)
        s.add_all([heping, yongan])
        await s.flush()
        s.add(Area(code="G0201", name="和平社区第一网格", kind="grid", parent_id=heping.id))
    who = world.resident.member_id
    await _seed(deps, who, "G0201", 1, "2026-11-30T23:30",  # the month's last half hour
                ("resolve", "resolved", "2026-12-01T00:10"), spot=True)  # fixed in December
    await _seed(deps, who, "G0201", 2, "2026-10-31T23:59")
    await _seed(deps, who, "G0201", 3, "2026-12-01T00:00")
    command = await add_person(deps, "9001", "街道指挥中心", "command", "ZHANNAN")
    await _bind(deps, "-100300", "ZHANNAN", "站南街道调度群")

    assert await monthly_digest(deps, local("2026-12-01T09:00")) == 2
    out = await take_outbox(deps)
    expected = (
        "📊 月调度月报告 · 站南街道 · 2026年11月\n"
        "全街道：受理 9 件、办结 5 件、办结率 55.6%\n"
        "超时 2 件 · 即知即办 2 件 · 评价 3.2 分（良好）\n"
        "▪ 和平社区\n"
        "受理 1 件、办结 0 件、办结率 0.0%\n"
        "超时 0 件 · 即知即办 0 件 · 评价 暂无\n"
        "▪ 四海社区\n"
        "受理 8 件、办结 5 件、办结率 62.5%\n"
        "超时 2 件 · 即知即办 2 件 · 评价 3.2 分（良好）\n"
        "▪ 永安社区：无报事"
    )
    assert texts_to(out, command.private_chat) == [expected]
    assert texts_to(out, "-100300") == [expected]
    assert texts_to(out, world.liaison.private_chat) == [], "a liaison is not street staff"
    assert await monthly_digest(deps, local("2026-12-01T09:00")) == 0


# ---- the jobs -------------------------------------------------------------------------------


async def test_register_digest_jobs_adds_three_crons_in_the_deployment_zone(deps, clock):
    scheduler = AsyncIOScheduler(timezone="UTC")  # the host's zone must not matter
    register_digest_jobs(scheduler, deps)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"digest-daily", "digest-weekly", "digest-monthly"}
    fields = {}
    for job_id, job in jobs.items():
        assert isinstance(job.trigger, CronTrigger)
        assert job.trigger.timezone == SH
        assert job.misfire_grace_time is None and job.coalesce and job.max_instances == 1
        assert job.next_run_time is not None, "a report missed while down goes out at start"
        fields[job_id] = {f.name: str(f) for f in job.trigger.fields if not f.is_default}
    assert fields == {
        "digest-daily": {"hour": "18", "minute": "0"},
        "digest-weekly": {"day_of_week": "mon", "hour": "9", "minute": "0"},
        "digest-monthly": {"day": "1", "hour": "9", "minute": "0"},
    }
    after = local("2026-11-22T12:00")  # a Sunday
    fire = {job_id: job.trigger.get_next_fire_time(None, after) for job_id, job in jobs.items()}
    assert fire == {"digest-daily": local("2026-11-22T18:00"),
                    "digest-weekly": local("2026-11-23T09:00"),
                    "digest-monthly": local("2026-12-01T09:00")}

    # What the scheduler (and the demo's fast-forward) calls: the period comes from the clock.
    await build_world(deps)  # groups bound Monday 09:00 local
    daily = jobs["digest-daily"]
    assert await daily.func(*daily.args, **daily.kwargs) == 0, (
        "a first start sends no report of a day before the bot was in the groups")
    for job_id in ("digest-weekly", "digest-monthly"):
        job = jobs[job_id]
        assert await job.func(*job.args, **job.kwargs) == 0, job_id
    clock.advance(days=1)  # Tuesday 09:00, after a restart: Monday's report was missed
    assert await daily.func(*daily.args, **daily.kwargs) == 1  # Monday's, caught up
    # ... and the third grid (no leader, no staff group) is recorded, not sent to residents.
    assert [(n.kind, n.area_id) for n in await undeliverable(deps)] == [
        ("digest", (await area_id(deps, "G0103")))]
    assert await daily.func(*daily.args, **daily.kwargs) == 0
    assert len(await undeliverable(deps)) == 1, "a second run records nothing twice"
    assert texts_to(await take_outbox(deps), "-100103") == [], "not the residents' group"


def test_catch_up_can_be_turned_off(deps):
    scheduler = AsyncIOScheduler(timezone="UTC")
    register_digest_jobs(scheduler, deps, catch_up=False)
    assert all(getattr(job, "next_run_time", None) is None for job in scheduler.get_jobs())
