"""The media fetcher: download reported photos, strip their metadata, keep them by content.

Telegram's file links expire, and a resident's photo carries EXIF that can say where they
live. So each photo is fetched once and re-encoded as a plain JPEG: the EXIF orientation is
applied first (nothing shows sideways), then every piece of metadata is left behind. The copy
is stored under the sha256 of its bytes, so the same picture sent twice is one file. A GPS fix
in the original gives the ticket a location when the reporter sent none.

A failed download never loses the photo row: it backs off and is retried, and only a file the
platform says is gone stops at once. Each photo is settled in its own short transaction, with
an UPDATE conditional on `stored_path IS NULL`, so two fetchers never both store one photo.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import math
import os
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import structlog
from PIL import Image, ImageOps
from sqlalchemy import update
from sqlmodel import col, select

from bot.adapters.base import PermanentError, RetryAfter, Transport, Undeliverable
from bot.logging import Redactor
from models.clock import Clock
from models.ticket import Photo, Ticket

log = structlog.get_logger(__name__)

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
MAX_ATTEMPTS = 10
JPEG_QUALITY = 90
_GPS_IFD = 0x8825


class NotAnImage(Exception):
    """The platform answered with bytes Pillow cannot read as a picture."""


def gps_from_exif(data: bytes) -> tuple[float, float] | None:
    """(latitude, longitude) in decimal degrees from the EXIF GPS block, or None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            gps = dict(image.getexif().get_ifd(_GPS_IFD))
    except Exception:  # noqa: BLE001 - unreadable metadata simply means "no location"
        return None
    if _text(gps.get(9)) == "V":  # GPSStatus "void": the receiver had no fix
        return None
    lat = _degrees(gps.get(2), gps.get(1), "N", "S")
    lon = _degrees(gps.get(4), gps.get(3), "E", "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    if lat == 0 and lon == 0:  # what cameras without a fix tend to write
        return None
    return lat, lon


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    return str(value or "").strip("\x00 ").upper()


def _degrees(value, ref, positive: str, negative: str) -> float | None:
    """EXIF (degrees, minutes, seconds) rationals. A missing N/S/E/W means we cannot tell."""
    sign = {positive: 1.0, negative: -1.0}.get(_text(ref))
    if sign is None or value is None:
        return None
    parts = value if isinstance(value, tuple | list) else (value,)
    try:
        numbers = [float(part) for part in parts]  # a zero denominator reads as nan
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not 1 <= len(numbers) <= 3 or not all(math.isfinite(n) and n >= 0 for n in numbers):
        return None
    return sign * sum(n / 60**i for i, n in enumerate(numbers))


def strip_metadata(data: bytes) -> tuple[bytes, tuple[int, int]]:
    """An upright JPEG of the picture alone: no EXIF, XMP, ICC, comments. Raises NotAnImage."""
    try:
        with Image.open(io.BytesIO(data)) as original:
            upright = _rgb_or_grey(ImageOps.exif_transpose(original))
            # A fresh image carries no `info`, so nothing of the original's metadata can ride
            # along into save() (Pillow copies a JPEG comment over on its own).
            clean = Image.new(upright.mode, upright.size)
            clean.paste(upright)
    except Exception as exc:  # Pillow raises many kinds for junk input
        raise NotAnImage(f"not an image: {type(exc).__name__}: {exc}"[:200]) from exc
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), clean.size


def _rgb_or_grey(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "L"):
        return image
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def store_by_content(media_dir: Path, data: bytes) -> tuple[str, str]:
    """Write once under ab/cd/<sha256>.jpg (temp file, then rename); returns (path, sha256)."""
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest[2:4]}/{digest}.jpg"
    target = media_dir / relative
    if target.exists():
        return relative, digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return relative, digest


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, capped at 6 h."""
    return min(BASE_DELAY * 2 ** min(attempts - 1, 20), MAX_DELAY)


class MediaFetcher:
    def __init__(
        self,
        session_factory,
        transports: Mapping[str, Transport],
        media_dir: Path,
        clock: Clock,
    ) -> None:
        self._sessions = session_factory
        self._transports = transports
        self.media_dir = Path(media_dir)
        self._clock = clock
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def request_stop(self) -> None:
        """Finish the photo in hand, then leave the loop (see Sender.request_stop)."""
        self._stopping = True
        self._wake.set()

    async def run_forever(
        self, wake: asyncio.Event | None = None, idle_seconds: float = 30, limit: int = 50
    ) -> None:
        if wake is not None:
            self._wake = wake
        while not self._stopping:
            self._wake.clear()  # a commit during the pass below sets it again: no lost wake
            try:
                due, _stored = await self._pass(limit)
            except Exception:  # the loop must survive a database hiccup
                log.exception("media.loop_error")
                due = 0
            if due >= limit and not self._stopping:
                continue  # more are waiting; each one left the due set, so this ends
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), idle_seconds)

    async def run_once(self, limit: int = 50) -> int:
        """Fetch the photos that are due; returns how many were stored."""
        _due, stored = await self._pass(limit)
        return stored

    async def _pass(self, limit: int) -> tuple[int, int]:
        """(photos that were due, photos stored): one short transaction per photo."""
        photos = await self._due(limit)
        stored = 0
        for photo in photos:
            if self._stopping:
                break  # the rest stay due: fetched after the restart
            stored += await self._fetch(photo)
        return len(photos), stored

    async def _due(self, limit: int) -> list[Photo]:
        async with self._sessions() as s:
            query = (
                select(Photo)
                .where(
                    col(Photo.stored_path).is_(None),
                    col(Photo.next_attempt_at) <= self._clock.now(),
                    col(Photo.platform).in_(list(self._transports)),
                )
                .order_by(col(Photo.id))
                .limit(limit)
            )
            return list((await s.exec(query)).all())

    async def _fetch(self, photo: Photo) -> bool:
        try:
            original = await self._transports[photo.platform].download_file(photo.file_id)
            gps, (data, size) = await asyncio.to_thread(_inspect, original)
            path, digest = await asyncio.to_thread(store_by_content, self.media_dir, data)
        except (Undeliverable, PermanentError) as exc:
            await self._failed(photo, exc, final=True)
            return False
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, retry later
            await self._failed(photo, exc, final=False)
            return False
        return await self._stored(photo, path, digest, size, gps)

    async def _stored(self, photo: Photo, path: str, digest: str, size, gps) -> bool:
        async with self._sessions() as s, s.begin():
            done = await s.execute(
                update(Photo)
                .where(col(Photo.id) == photo.id, col(Photo.stored_path).is_(None))
                .values(
                    stored_path=path,
                    sha256=digest,
                    width=size[0],
                    height=size[1],
                    next_attempt_at=None,
                    last_error=None,
                )
            )
            if done.rowcount != 1:
                return False  # another fetcher got there first
            located = False
            if gps is not None and photo.stage == "before":
                moved = await s.execute(
                    update(Ticket)
                    .where(col(Ticket.id) == photo.ticket_id, col(Ticket.latitude).is_(None))
                    .values(latitude=gps[0], longitude=gps[1])
                )
                located = moved.rowcount == 1
        log.info(
            "media.stored", photo_id=photo.id, ticket_id=photo.ticket_id, path=path, located=located
        )
        return True

    async def _failed(self, photo: Photo, exc: Exception, final: bool) -> None:
        attempts = photo.download_attempts + 1
        retry_at = None
        if not final and attempts < MAX_ATTEMPTS:
            delay = retry_delay(attempts)
            if isinstance(exc, RetryAfter):
                delay = max(delay, timedelta(seconds=exc.seconds))
            retry_at = self._clock.now() + delay
        # A download error can quote the file URL, and Bot API file URLs carry the token
        # (/file/bot<TOKEN>/…): scrub it before it reaches the database or the log.
        error = Redactor().scrub(f"{type(exc).__name__}: {exc}")[:200]
        async with self._sessions() as s, s.begin():
            await s.execute(
                update(Photo)
                .where(
                    col(Photo.id) == photo.id,
                    col(Photo.stored_path).is_(None),
                    col(Photo.download_attempts) == photo.download_attempts,
                )
                .values(download_attempts=attempts, last_error=error, next_attempt_at=retry_at)
            )
        log.warning(
            "media.fetch_failed",
            photo_id=photo.id,
            attempts=attempts,
            error=error,
            retry_at=retry_at.isoformat() if retry_at else None,
        )


def _inspect(original: bytes):
    """GPS from the original; the stored copy without it. CPU work, run off the event loop."""
    return gps_from_exif(original), strip_metadata(original)
