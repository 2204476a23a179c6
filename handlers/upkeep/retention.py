"""The retention job: delete old photo files and blank old tickets' personal text.

Run daily by the scheduler (scheduler/retention.py) and by `gridbot prune [--dry-run]`. Each
chunk is one transaction; every UPDATE is conditional on the row not being marked yet, so two
workers running it at once (several processes share one database) count each row once.
Files are deleted after the commit, and only when no photo that is kept still names them:
photos are stored by content, so one file can belong to several tickets.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update
from sqlmodel import col, select

from handlers.context import Deps
from models.retention import FINISHED, PERSONAL_TICKET_FIELDS, RetentionPolicy
from models.ticket import Photo, Ticket, TicketEvent, UndeliverableNotice

CHUNK = 500  # ids per statement: well under SQLite's parameter limit, short transactions


@dataclass(frozen=True)
class PruneReport:
    photos: int = 0  # photo rows marked pruned (or, in a dry run, that would be)
    files: int = 0  # files deleted from the media folder (or that would be)
    tickets: int = 0  # tickets whose personal text was blanked (or would be)
    dry_run: bool = False


async def prune(deps: Deps, policy: RetentionPolicy, media_dir: Path,
                *, dry_run: bool = False) -> PruneReport:
    now = deps.clock.now()
    photos = files = tickets = 0
    if (cutoff := policy.photos_cutoff(now)) is not None:
        photos, files = await _prune_photos(deps, cutoff, Path(media_dir), dry_run)
    if (cutoff := policy.resolved_cutoff(now)) is not None:
        tickets = await _anonymise(deps, cutoff, dry_run)
    return PruneReport(photos, files, tickets, dry_run)


async def _prune_photos(deps: Deps, cutoff, media_dir: Path, dry_run: bool) -> tuple[int, int]:
    marked = deleted = 0
    after = 0
    while True:
        async with deps.session_factory() as session, session.begin():
            rows = (await session.exec(
                select(Photo.id, Photo.stored_path)
                .join(Ticket, col(Ticket.id) == col(Photo.ticket_id))
                .where(col(Ticket.status).in_(FINISHED), col(Ticket.updated_at) < cutoff,
                       col(Photo.pruned_at).is_(None), col(Photo.id) > after)
                .order_by(col(Photo.id)).limit(CHUNK))).all()
            if not rows:
                return marked, deleted
            ids = [row[0] for row in rows]
            after = ids[-1]
            if dry_run:
                marked += len(ids)
            else:
                # stored_path cleared and no retry time: the photo fetcher never fetches it
                # again, and nothing tries to send a file that is gone.
                result = await session.exec(
                    update(Photo).where(col(Photo.id).in_(ids), col(Photo.pruned_at).is_(None))
                    .values(pruned_at=deps.clock.now(), stored_path=None, next_attempt_at=None))
                marked += result.rowcount
            paths = {path for _id, path in rows if path}
            kept = set((await session.exec(
                select(Photo.stored_path).where(col(Photo.stored_path).in_(paths),
                                                col(Photo.pruned_at).is_(None),
                                                col(Photo.id).not_in(ids)))).all())
        # A dry run counts a file shared with a photo of a later chunk as kept: it may say
        # fewer files than the real run deletes, never more.
        for path in sorted(paths - kept):
            if dry_run or _delete(media_dir, path):
                deleted += 1


def _delete(media_dir: Path, relative: str) -> bool:
    """Remove one stored file, never one outside the media folder; False if it was gone."""
    root = media_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        return False
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
        return True
    return False


async def _anonymise(deps: Deps, cutoff, dry_run: bool) -> int:
    done = 0
    after = 0
    while True:
        async with deps.session_factory() as session, session.begin():
            ids = list((await session.exec(
                select(Ticket.id)
                .where(col(Ticket.status).in_(FINISHED), col(Ticket.updated_at) < cutoff,
                       col(Ticket.anonymised_at).is_(None), col(Ticket.id) > after)
                .order_by(col(Ticket.id)).limit(CHUNK))).all())
            if not ids:
                return done
            after = ids[-1]
            if dry_run:
                done += len(ids)
                continue
            # updated_at is left alone: it is when the ticket was finished (the reports use it).
            result = await session.exec(
                update(Ticket).where(col(Ticket.id).in_(ids), col(Ticket.anonymised_at).is_(None))
                .values(anonymised_at=deps.clock.now(), **PERSONAL_TICKET_FIELDS))
            done += result.rowcount
            # The history's notes and the undelivered staff messages quote the same words.
            await session.exec(update(TicketEvent).where(col(TicketEvent.ticket_id).in_(ids))
                               .values(note=None))
            await session.exec(update(UndeliverableNotice)
                               .where(col(UndeliverableNotice.ticket_id).in_(ids))
                               .values(text=""))
