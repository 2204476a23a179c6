"""The media fetcher: stripped, upright, content-addressed copies; GPS; retries; waking."""

from __future__ import annotations

import asyncio
import hashlib
import io
import itertools
from datetime import timedelta

import pytest
from PIL import Image
from sqlmodel import select

from bot.adapters.base import PermanentError, RetryAfter, TransientError, Undeliverable
from bot.media import MAX_ATTEMPTS, MediaFetcher, gps_from_exif, retry_delay
from models.lifecycle import Status
from models.ticket import Photo, Ticket
from tests.support.images import GPS_NORTH_EAST, jpeg, png_with_alpha
from tests.support.world import build_world

LAT, LON = 40 + 34 / 60, 120 + 27 / 60
_numbers = itertools.count(1)


class FakeFiles:
    """A transport that serves bytes by file id and fails the first N downloads on request."""

    platform = "telegram"

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        self.files = dict(files or {})
        self.failures: dict[str, list[Exception]] = {}
        self.calls: list[str] = []
        self.hold: asyncio.Event | None = None  # when set up, downloads wait on it
        self._called = asyncio.Event()

    def fail(self, file_id: str, times: int, error=lambda: TransientError("502 Bad Gateway")):
        self.failures[file_id] = [error() for _ in range(times)]

    async def wait_for_calls(self, count: int, seconds: float = 5) -> None:
        async with asyncio.timeout(seconds):
            while len(self.calls) < count:
                self._called.clear()
                await self._called.wait()

    async def download_file(self, file_id: str) -> bytes:
        self.calls.append(file_id)
        self._called.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.failures.get(file_id):
            raise self.failures[file_id].pop(0)
        if file_id not in self.files:
            raise PermanentError("Bad Request: wrong file_id or the file is temporarily gone")
        return self.files[file_id]


async def add_ticket(deps, world, photos, *, location=None) -> int:
    """A ticket with photos waiting to be fetched: photos are (file_id, stage) pairs."""
    async with deps.session_factory() as s, s.begin():
        now = deps.clock.now()
        ticket = Ticket(
            number=f"G0102-{next(_numbers):04d}",
            grid_id=world.grid_id,
            reporter_id=world.resident.member_id,
            category="lighting",
            status=Status.NEW,
            latitude=location[0] if location else None,
            longitude=location[1] if location else None,
            source_platform="telegram",
            source_chat_id=world.group_chat,
            created_at=now,
            updated_at=now,
        )
        s.add(ticket)
        await s.flush()
        for file_id, stage in photos:
            s.add(
                Photo(
                    ticket_id=ticket.id,
                    stage=stage,
                    platform="telegram",
                    file_id=file_id,
                    file_unique_id=f"u-{file_id}",
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        return ticket.id


async def photo_of(deps, file_id: str) -> Photo:
    async with deps.session_factory() as s:
        return (await s.exec(select(Photo).where(Photo.file_id == file_id))).one()


async def ticket_of(deps, ticket_id: int) -> Ticket:
    async with deps.session_factory() as s:
        return await s.get(Ticket, ticket_id)


@pytest.fixture
def media_dir(tmp_path):
    return tmp_path / "media"


def fetcher_for(deps, files: FakeFiles, media_dir) -> MediaFetcher:
    return MediaFetcher(deps.session_factory, {"telegram": files}, media_dir, deps.clock)


async def test_stores_an_upright_copy_without_metadata_and_locates_the_ticket(deps, media_dir):
    world = await build_world(deps)
    original = jpeg(
        gps=GPS_NORTH_EAST,
        orientation=6,
        comment=b"home: 40.5667,120.45",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPS</x:xmpmeta>',
        icc=True,
    )
    files = FakeFiles({"f1": original})
    ticket_id = await add_ticket(deps, world, [("f1", "before")])

    assert await fetcher_for(deps, files, media_dir).run_once() == 1

    photo = await photo_of(deps, "f1")
    sha = photo.sha256
    assert photo.stored_path == f"{sha[:2]}/{sha[2:4]}/{sha}.jpg"
    stored = (media_dir / photo.stored_path).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == sha
    assert photo.next_attempt_at is None and photo.last_error is None
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not dict(image.getexif())
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        # Orientation 6 means "turn 90° clockwise to view": the red left half ends up on top.
        assert image.size == (20, 40) and (photo.width, photo.height) == (20, 40)
        top = image.convert("RGB").getpixel((10, 5))
        assert top[0] > 150 and top[2] < 100, top
    assert b"Exif" not in stored and b"adobe:ns:meta" not in stored and b"home:" not in stored
    assert gps_from_exif(stored) is None

    ticket = await ticket_of(deps, ticket_id)
    assert ticket.latitude == pytest.approx(LAT) and ticket.longitude == pytest.approx(LON)
    assert ticket.version == 0, "a location from EXIF is not a lifecycle transition"
    assert [p.name for p in media_dir.rglob("*") if p.is_file()] == [f"{sha}.jpg"]


async def test_location_the_reporter_gave_is_kept(deps, media_dir):
    world = await build_world(deps)
    files = FakeFiles({"f1": jpeg(gps=GPS_NORTH_EAST)})
    ticket_id = await add_ticket(deps, world, [("f1", "before")], location=(45.75, 126.63))

    assert await fetcher_for(deps, files, media_dir).run_once() == 1

    ticket = await ticket_of(deps, ticket_id)
    assert (ticket.latitude, ticket.longitude) == (45.75, 126.63)


async def test_an_after_photo_does_not_locate_the_ticket(deps, media_dir):
    world = await build_world(deps)
    files = FakeFiles({"a1": jpeg(gps=GPS_NORTH_EAST)})
    ticket_id = await add_ticket(deps, world, [("a1", "after")])

    assert await fetcher_for(deps, files, media_dir).run_once() == 1

    ticket = await ticket_of(deps, ticket_id)
    assert ticket.latitude is None and ticket.longitude is None
    assert (await photo_of(deps, "a1")).stored_path


async def test_transient_failures_back_off_then_the_photo_is_stored(deps, media_dir):
    world = await build_world(deps)
    files = FakeFiles({"f1": jpeg()})
    files.fail("f1", 2)
    await add_ticket(deps, world, [("f1", "before")])
    fetcher = fetcher_for(deps, files, media_dir)
    start = deps.clock.now()

    assert await fetcher.run_once() == 0
    photo = await photo_of(deps, "f1")
    assert photo.download_attempts == 1 and "502" in photo.last_error
    assert photo.next_attempt_at == start + timedelta(seconds=30)

    assert await fetcher.run_once() == 0, "not due yet"
    assert files.calls == ["f1"]

    deps.clock.advance(seconds=30)
    assert await fetcher.run_once() == 0
    photo = await photo_of(deps, "f1")
    assert photo.download_attempts == 2
    assert photo.next_attempt_at == deps.clock.now() + timedelta(seconds=60)

    deps.clock.advance(seconds=60)
    assert await fetcher.run_once() == 1
    photo = await photo_of(deps, "f1")
    assert photo.stored_path and photo.download_attempts == 2
    assert photo.next_attempt_at is None and photo.last_error is None
    assert files.calls == ["f1", "f1", "f1"]


async def test_retry_after_is_honoured(sqlite_deps, media_dir):
    deps = sqlite_deps
    world = await build_world(deps)
    files = FakeFiles({"f1": jpeg()})
    files.fail("f1", 1, lambda: RetryAfter(900))
    await add_ticket(deps, world, [("f1", "before")])

    await fetcher_for(deps, files, media_dir).run_once()

    photo = await photo_of(deps, "f1")
    assert photo.next_attempt_at == deps.clock.now() + timedelta(seconds=900)


@pytest.mark.parametrize("error", [PermanentError, Undeliverable])
async def test_a_file_that_is_gone_stops_retrying_and_keeps_the_row(deps, media_dir, error):
    world = await build_world(deps)
    files = FakeFiles({"f1": jpeg()})
    files.fail("f1", 1, lambda: error("Bad Request: file is gone"))
    ticket_id = await add_ticket(deps, world, [("f1", "before")])
    fetcher = fetcher_for(deps, files, media_dir)

    assert await fetcher.run_once() == 0
    deps.clock.advance(days=2)
    assert await fetcher.run_once() == 0

    assert files.calls == ["f1"]
    photo = await photo_of(deps, "f1")
    assert photo.next_attempt_at is None and photo.stored_path is None
    assert photo.download_attempts == 1 and "file is gone" in photo.last_error
    assert (await ticket_of(deps, ticket_id)).status == Status.NEW


async def test_gives_up_after_ten_attempts_but_keeps_the_row(sqlite_deps, media_dir):
    deps = sqlite_deps
    world = await build_world(deps)
    files = FakeFiles({"f1": jpeg()})
    files.fail("f1", 100)
    await add_ticket(deps, world, [("f1", "before")])
    fetcher = fetcher_for(deps, files, media_dir)

    for _ in range(MAX_ATTEMPTS + 3):
        await fetcher.run_once()
        deps.clock.advance(hours=7)

    assert len(files.calls) == MAX_ATTEMPTS
    photo = await photo_of(deps, "f1")
    assert photo.download_attempts == MAX_ATTEMPTS and photo.next_attempt_at is None
    assert photo.last_error
    assert retry_delay(1) == timedelta(seconds=30) and retry_delay(9) == timedelta(
        hours=2, minutes=8
    )
    assert retry_delay(30) == timedelta(hours=6)


async def test_a_bad_payload_backs_off_without_holding_up_the_others(deps, media_dir):
    world = await build_world(deps)
    files = FakeFiles({"bad": b"<html>502 Bad Gateway</html>", "good": jpeg()})
    await add_ticket(deps, world, [("bad", "before"), ("good", "before")])

    assert await fetcher_for(deps, files, media_dir).run_once() == 1

    bad, good = await photo_of(deps, "bad"), await photo_of(deps, "good")
    assert bad.stored_path is None and bad.download_attempts == 1
    assert "not an image" in bad.last_error and bad.next_attempt_at > deps.clock.now()
    assert good.stored_path is not None
    assert not list(media_dir.rglob("*.part")), "no temp file is left behind"


async def test_the_same_picture_is_stored_once(deps, media_dir):
    world = await build_world(deps)
    picture = jpeg(gps=GPS_NORTH_EAST)
    files = FakeFiles({"f1": picture, "f2": picture, "f3": jpeg(shade=20)})
    await add_ticket(deps, world, [("f1", "before")])
    await add_ticket(deps, world, [("f2", "before"), ("f3", "after")])

    assert await fetcher_for(deps, files, media_dir).run_once() == 3

    one, two, other = [await photo_of(deps, f) for f in ("f1", "f2", "f3")]
    assert one.stored_path == two.stored_path and one.sha256 == two.sha256
    assert other.stored_path != one.stored_path
    assert len([p for p in media_dir.rglob("*") if p.is_file()]) == 2


async def test_two_fetchers_never_both_store_one_photo(deps, media_dir):
    world = await build_world(deps)
    files = FakeFiles({"f1": jpeg()})
    files.hold = asyncio.Event()  # both read the row as due before either downloads
    await add_ticket(deps, world, [("f1", "before")])
    first, second = fetcher_for(deps, files, media_dir), fetcher_for(deps, files, media_dir)

    both = asyncio.gather(first.run_once(), second.run_once())
    await files.wait_for_calls(2)
    files.hold.set()

    assert sorted(await asyncio.wait_for(both, 10)) == [0, 1]
    assert (await photo_of(deps, "f1")).stored_path


async def test_a_picture_with_transparency_is_flattened_to_jpeg(sqlite_deps, media_dir):
    deps = sqlite_deps
    world = await build_world(deps)
    files = FakeFiles({"p1": png_with_alpha()})
    await add_ticket(deps, world, [("p1", "before")])

    assert await fetcher_for(deps, files, media_dir).run_once() == 1

    photo = await photo_of(deps, "p1")
    with Image.open(media_dir / photo.stored_path) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.getpixel((12, 8))[:3] > (240, 240, 240), "transparent reads as white"
        assert image.getpixel((2, 8))[0] > 150


async def _wait_stored(deps, file_id: str, seconds: float = 5) -> Photo:
    """The store is polled: nothing else tells a test that a row was committed."""
    for _ in range(int(seconds / 0.02)):
        photo = await photo_of(deps, file_id)
        if photo.stored_path:
            return photo
        await asyncio.sleep(0.02)
    raise AssertionError(f"{file_id} was not stored within {seconds}s")


async def test_run_forever_fetches_right_after_a_wake_and_cancels_cleanly(deps, media_dir):
    world = await build_world(deps)
    files = FakeFiles({"f1": jpeg(), "f2": jpeg(shade=10)})
    fetcher = fetcher_for(deps, files, media_dir)
    await add_ticket(deps, world, [("f1", "before")])
    task = asyncio.create_task(fetcher.run_forever(idle_seconds=3600))
    try:
        await _wait_stored(deps, "f1")  # the first pass runs at once

        await add_ticket(deps, world, [("f2", "before")])
        fetcher.wake()  # what deps.notify() does after the commit
        await _wait_stored(deps, "f2")  # long before the hour-long idle timeout
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_cancelling_mid_download_leaves_the_photo_due(sqlite_deps, media_dir):
    deps = sqlite_deps
    world = await build_world(deps)
    files = FakeFiles({"f1": jpeg()})
    files.hold = asyncio.Event()  # never set: the download hangs
    await add_ticket(deps, world, [("f1", "before")])
    wake = asyncio.Event()
    fetcher = fetcher_for(deps, files, media_dir)
    task = asyncio.create_task(fetcher.run_forever(wake, idle_seconds=0.05))
    await files.wait_for_calls(1)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    photo = await photo_of(deps, "f1")
    assert photo.stored_path is None and photo.download_attempts == 0
    assert photo.next_attempt_at == deps.clock.now()
    fetcher.wake()
    assert wake.is_set(), "wake() sets the event run_forever was given"


def test_gps_south_and_west_are_negative():
    lat, lon = gps_from_exif(jpeg(gps=("S", (33, 51, 36), "W", (151, 12, 36))))
    assert lat == pytest.approx(-(33 + 51 / 60 + 36 / 3600))
    assert lon == pytest.approx(-(151 + 12 / 60 + 36 / 3600))


@pytest.mark.parametrize(
    "data",
    [
        jpeg(),
        jpeg(orientation=3),
        jpeg(gps=("", (40, 34, 0), "E", (120, 27, 0))),  # no hemisphere: cannot tell
        jpeg(gps=("N", (0, 0, 0), "E", (0, 0, 0))),  # a camera with no fix
        jpeg(gps=("N", (95, 0, 0), "E", (120, 0, 0))),  # out of range
        b"<html>not a picture</html>",
        b"",
    ],
)
def test_gps_is_none_without_a_usable_fix(data):
    assert gps_from_exif(data) is None


async def test_a_failed_download_keeps_no_token_in_the_database(deps, media_dir):
    """Bot API file URLs carry the token (/file/bot<TOKEN>/…); an error quoting one is
    scrubbed before it is stored (and logged)."""
    world = await build_world(deps)
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    files = FakeFiles({"t1": jpeg()})
    files.fail("t1", 1, error=lambda: TransientError(
        f"502 from https://api.telegram.org/file/bot{token}/photos/file_7.jpg"))
    await add_ticket(deps, world, [("t1", "before")])

    assert await fetcher_for(deps, files, media_dir).run_once() == 0
    photo = await photo_of(deps, "t1")
    assert "502" in photo.last_error and "/file/bot<redacted>/photos" in photo.last_error
    assert token not in photo.last_error and token.split(":")[1] not in photo.last_error
