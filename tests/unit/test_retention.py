"""Retention: old tickets' photo files are deleted and their personal text blanked, on the
fake clock, on SQLite and PostgreSQL; unset days keep everything."""

from __future__ import annotations

from sqlmodel import select

from bot.media import store_by_content
from handlers import bus
from handlers.upkeep.retention import prune
from models.lifecycle import Status
from models.retention import RetentionPolicy
from models.ticket import Photo, TicketEvent
from tests.support.outbox import take_outbox
from tests.support.world import Script, build_world
from tests.unit._helpers import events_of, photos_of, report_in_group, ticket

DAY = 24  # hours


async def _closed_ticket_with_photos(deps, script, world, media, text="3号楼楼道声控灯不亮"):
    """The real journey: a photo report, [接单], [办结] with an after-photo and a note, rated
    良好 and closed; the photos stored as the fetcher stores them. Returns the ticket."""
    made = await report_in_group(deps, script, world, text=f"{text} 电话13912345678")
    n = made.number.split("-")[1].lstrip("0")
    me = world.worker.private_chat
    await bus.receive(script.press(world.worker, world.group_chat, f"tk:take:{n}"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, f"tk:done:{n}"), deps)
    await bus.receive(script.photo(world.worker, me, "已更换灯泡", uid=f"after{n}"), deps)
    await bus.receive(script.press(world.worker, me, "cv:done:"), deps)
    await bus.receive(script.press(world.resident, world.resident.private_chat, f"rt:{n}:3"),
                      deps)
    await take_outbox(deps)
    async with deps.session_factory() as s, s.begin():
        s.add(Photo(ticket_id=made.id, stage="before", platform="telegram",
                    file_id=f"before{n}", file_unique_id=f"before{n}", created_at=deps.clock.now()))
        for photo in (await s.exec(select(Photo).where(Photo.ticket_id == made.id))).all():
            photo.stored_path, photo.sha256 = store_by_content(media, photo.file_id.encode())
            s.add(photo)
    done = await ticket(deps, made.number)
    assert done.status == Status.CLOSED and len(await photos_of(deps, done.id)) == 2
    return done


async def test_photos_of_tickets_closed_long_ago_lose_their_files(deps, tmp_path):
    world, script, media = await build_world(deps), Script(), tmp_path / "media"
    old = await _closed_ticket_with_photos(deps, script, world, media)
    deps.clock.advance(hours=40 * DAY)
    recent = await _closed_ticket_with_photos(deps, script, world, media, "垃圾桶满了")
    still_open = await report_in_group(deps, script, world, "路灯坏了")  # open: never pruned
    deps.clock.advance(hours=1 * DAY)
    old_files = [media / p.stored_path for p in await photos_of(deps, old.id)]
    kept_files = [media / p.stored_path for p in await photos_of(deps, recent.id)]

    report = await prune(deps, RetentionPolicy(photos_days=30), media)

    assert (report.photos, report.files, report.tickets) == (2, 2, 0)
    assert not any(f.exists() for f in old_files) and all(f.exists() for f in kept_files)
    pruned = await photos_of(deps, old.id)
    assert len(pruned) == 2, "the rows stay, for the counts"
    assert all(p.pruned_at == deps.clock.now() and p.stored_path is None
               and p.next_attempt_at is None and p.sha256 for p in pruned)
    assert all(p.pruned_at is None for p in await photos_of(deps, recent.id))
    assert (await ticket(deps, still_open.number)).status == Status.NEW
    # Done once: a second run (the next day's job, or a second worker) finds nothing.
    again = await prune(deps, RetentionPolicy(photos_days=30), media)
    assert (again.photos, again.files) == (0, 0)


async def test_a_file_shared_with_a_kept_photo_stays(deps, tmp_path):
    world, script, media = await build_world(deps), Script(), tmp_path / "media"
    old = await _closed_ticket_with_photos(deps, script, world, media)
    deps.clock.advance(hours=40 * DAY)
    recent = await _closed_ticket_with_photos(deps, script, world, media, "垃圾桶满了")
    shared = (await photos_of(deps, old.id))[0]
    async with deps.session_factory() as s, s.begin():  # the same picture sent again
        s.add(Photo(ticket_id=recent.id, platform="telegram", file_id="again",
                    file_unique_id="again", stored_path=shared.stored_path, sha256=shared.sha256,
                    created_at=deps.clock.now()))

    report = await prune(deps, RetentionPolicy(photos_days=30), media)

    assert (report.photos, report.files) == (2, 1)
    assert (media / shared.stored_path).exists()


async def test_resolved_tickets_lose_personal_text_but_keep_the_figures(deps, tmp_path):
    world, script, media = await build_world(deps), Script(), tmp_path / "media"
    old = await _closed_ticket_with_photos(deps, script, world, media)
    deps.clock.advance(hours=100 * DAY)
    recent = await _closed_ticket_with_photos(deps, script, world, media, "垃圾桶满了")
    deps.clock.advance(hours=1 * DAY)
    assert any(e.note for e in await events_of(deps, old.id)), "the history had notes"

    report = await prune(deps, RetentionPolicy(resolved_days=90), media)

    assert report.tickets == 1 and report.photos == 0
    after = await ticket(deps, old.number)
    assert after.text == "" and after.close_note is None and after.anonymised_at is not None
    assert "13912345678" not in repr(after)
    # What the statistics need stays.
    kept = ("number", "grid_id", "category", "status", "rating", "created_at", "updated_at",
            "reporter_id", "assignee_id")
    assert {k: getattr(after, k) for k in kept} == {k: getattr(old, k) for k in kept}
    assert all(e.note is None for e in await events_of(deps, old.id))
    assert [e.action for e in await events_of(deps, old.id)] == \
        [e.action for e in await events_of(deps, recent.id)]
    untouched = await ticket(deps, recent.number)
    assert "垃圾桶满了" in untouched.text and untouched.anonymised_at is None


async def test_unset_days_keep_everything_and_a_dry_run_changes_nothing(deps, tmp_path):
    world, script, media = await build_world(deps), Script(), tmp_path / "media"
    old = await _closed_ticket_with_photos(deps, script, world, media)
    deps.clock.advance(hours=3650 * DAY)
    files = sorted(str(p) for p in media.rglob("*.jpg"))

    assert await prune(deps, RetentionPolicy(), media) == prune_report_zero()
    dry = await prune(deps, RetentionPolicy(photos_days=1, resolved_days=1), media,
                      dry_run=True)

    assert (dry.photos, dry.files, dry.tickets, dry.dry_run) == (2, 2, 1, True)
    assert sorted(str(p) for p in media.rglob("*.jpg")) == files
    after = await ticket(deps, old.number)
    assert after.text == old.text and after.anonymised_at is None
    async with deps.session_factory() as s:
        assert not (await s.exec(select(Photo).where(Photo.pruned_at.is_not(None)))).all()
        assert (await s.exec(select(TicketEvent).where(TicketEvent.note.is_not(None)))).all()


def prune_report_zero():
    from handlers.upkeep.retention import PruneReport

    return PruneReport()


async def test_the_daily_job_runs_at_night_only_when_a_retention_is_set(deps, tmp_path):
    from dataclasses import replace
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from scheduler.setup import build_scheduler

    assert build_scheduler(deps).get_job("retention") is None, "unset: keep forever"
    world, script, media = await build_world(deps), Script(), tmp_path / "media"
    old = await _closed_ticket_with_photos(deps, script, world, media)
    deps.clock.advance(hours=31 * DAY)
    deps.config = replace(deps.config, retention_days_photos=30, retention_days_resolved=30,
                          media_dir=str(media))

    job = build_scheduler(deps).get_job("retention")
    shanghai = ZoneInfo("Asia/Shanghai")
    fire = job.trigger.get_next_fire_time(None, datetime(2026, 12, 1, 12, 0, tzinfo=shanghai))
    assert fire == datetime(2026, 12, 2, 3, 30, tzinfo=shanghai)
    report = await job.func(*job.args)
    assert (report.photos, report.files, report.tickets) == (2, 2, 1)
    assert (await ticket(deps, old.number)).anonymised_at is not None
    assert not list(media.rglob("*.jpg"))
