"""What a handler works with: the open session, the clock, config, and the actions it queues."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import locales
from handlers.events import (
    AnswerButton,
    EditText,
    Keyboard,
    Outbound,
    OutPhoto,
    SendPhotos,
    SendText,
)
from handlers.org_cache import OrgCache
from models.clock import Clock
from models.message_limits import ALBUM_LIMIT, CAPTION_LIMIT, shorten
from models.org import Member

# Below the default PostgreSQL pool (5 + 10 overflow), which the sender, the media fetcher
# and the scheduler share with the handlers; SQLite has one writer anyway.
HANDLING_SLOTS = 8


@dataclass
class Config:
    default_locale: str = "zh_CN"
    bot_username: str | None = None
    timezone: str = "Asia/Shanghai"
    sla_policy: str | None = None  # a YAML file; None: models/sla/sla_policy.yaml
    # Duplicate reports: same grid and category within this window, and (when both have a
    # location) within this distance, are offered to the reporter as "same as ...? [+1]".
    # A window of 0 turns the check off.
    duplicate_window_hours: float = 24.0
    duplicate_radius_m: float = 250.0
    # Retention (handlers/upkeep/retention.py): None keeps forever. The photo files live here.
    retention_days_photos: int | None = None
    retention_days_resolved: int | None = None
    media_dir: str = "./media"
    # A person's tickets per sliding hour (handlers/intake/flood_cap.py); staff and emergencies are
    # exempt; 0 turns the cap off.
    report_cap_per_hour: int = 10


@dataclass
class Deps:
    """Everything the service layer needs, built once by bot.bootstrap."""

    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock
    config: Config = field(default_factory=Config)
    # Called after a commit that queued outbox rows or photos, so the sender wakes at once.
    on_commit: list[Callable[[], None]] = field(default_factory=list)
    # The tasks handling an update right now (bus.receive), so that stopping the bot can let
    # them finish: aiogram's polling stops without waiting for the handlers it started.
    in_flight: set[asyncio.Task] = field(default_factory=set)
    # How many updates may be handled at once (handlers/bus.py). Each holds one pooled
    # connection; more would wait for the pool and time out instead of queueing here.
    handling_slots: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(HANDLING_SLOTS))
    # The area tree and the bound groups, checked against org_version in each transaction.
    org_cache: OrgCache = field(default_factory=OrgCache)

    def notify(self) -> None:
        for wake in self.on_commit:
            wake()


@dataclass
class Ctx:
    session: AsyncSession
    deps: Deps
    platform: str
    member: Member | None = None
    actions: list[Outbound] = field(default_factory=list)
    # The org_version this transaction read (handlers/org_cache.py); None: not read yet.
    org_version: object = None
    # Tickets created in this transaction: nothing can follow, hold or have steps on them yet,
    # so the card and the photos skip the queries that could only come back empty.
    fresh_tickets: set[int] = field(default_factory=set)
    # Members created in this transaction (a first message): they hold no role yet, so the
    # resident check needs no query.
    fresh_members: set[int] = field(default_factory=set)
    # Answers worth keeping for the rest of this transaction (the grid's workers, asked by
    # the promise line and the no-worker notice alike).
    memo: dict = field(default_factory=dict)

    @property
    def now(self):
        return self.deps.clock.now()

    @property
    def config(self) -> Config:
        return self.deps.config

    def locale_of(self, member: Member | None) -> str:
        if member is not None and member.locale:
            return member.locale
        return self.config.default_locale

    def tr(self, locale: str | None, key: str, **args: object) -> str:
        return locales.t(locale or self.config.default_locale, key, **args)

    def send(
        self,
        chat_id: str,
        text: str,
        buttons: Keyboard = (),
        reply_to: str | None = None,
        ref: str | None = None,
        ticket_id: int | None = None,
    ) -> None:
        self.actions.append(
            SendText(self.platform, chat_id, text, buttons, reply_to, ref, ticket_id)
        )

    def send_photos(self, chat_id: str, media: tuple[OutPhoto, ...], caption: str = "",
                    reply_to: str | None = None, ticket_id: int | None = None) -> None:
        """Telegram takes at most 10 photos in one album and 1,024 characters of caption."""
        if media:
            self.actions.append(SendPhotos(self.platform, chat_id, tuple(media[:ALBUM_LIMIT]),
                                           shorten(caption, CAPTION_LIMIT), reply_to, ticket_id))

    def edit(self, chat_id: str, ref: str, text: str, buttons: Keyboard = ()) -> None:
        self.actions.append(EditText(self.platform, chat_id, ref, text, buttons))

    def answer(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        self.actions.append(AnswerButton(self.platform, callback_id, text, alert))
