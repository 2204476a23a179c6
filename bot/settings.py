"""Deployment settings, read from GRIDBOT_* environment variables and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import OperatorError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GRIDBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///./gridbot.db"
    # Optional on purpose: without a token the Telegram runtimes refuse to start with a clear
    # sentence, while the CLI's database and org commands still work.
    bot_token: SecretStr | None = None
    bot_username: str | None = Field(
        default=None, description="Used for invite deep links when getMe cannot be asked."
    )
    # Deployments point this at a local Bot API server; the tests point it at the emulator.
    telegram_api_url: str = "https://api.telegram.org"
    # Where api.telegram.org is blocked (mainland China): http://host:port or socks5://host:port.
    # Checked at start (bot/adapters/reaching.py), so a bad URL is one sentence, not a traceback.
    proxy: str | None = None
    # How long start-up keeps retrying getMe (and the webhook calls) while Telegram is
    # unreachable or answering 5xx, before it stops with one sentence naming the URL.
    startup_timeout: float = Field(default=60.0, gt=0)
    runtime: Literal["aiogram", "ptb", "webchat"] = "aiogram"
    timezone: str = "Asia/Shanghai"
    default_locale: Literal["zh_CN", "en"] = "zh_CN"
    media_dir: Path = Path("./media")

    # Webhook mode is used when webhook_url is set; long polling otherwise.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8081
    webhook_path: str = "/telegram/webhook"

    # The webchat runtime (the embedded default) serves its page here; loopback only by default.
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    # Demo mode: seeds the demo org into an empty database and allows the clock fast-forward.
    demo: bool = False

    # The SLA policy (deadlines, office hours, holidays, the escalation ladder); the shipped
    # models/sla/sla_policy.yaml when unset. Checked at start: a bad file stops the bot with
    # the key.
    sla_policy: Path | None = None

    # A second report of the same kind in the same grid within this window (and, when both
    # carry a location, this distance) is offered to its author as a +1. 0 hours turns it off.
    # (The promise printed on each ticket comes from the SLA policy file, not from here.)
    duplicate_window_hours: float = Field(default=24.0, ge=0)
    duplicate_radius_m: float = Field(default=250.0, gt=0)

    # A resident's reports per sliding hour before a polite refusal (handlers/intake/flood_cap.py);
    # staff and emergencies are never capped; 0 turns the cap off.
    report_cap_per_hour: int = Field(default=10, ge=0)

    # Retention (`gridbot prune`, and a daily job): unset keeps everything forever. Photos:
    # delete the files of tickets finished this many days ago. Resolved: blank the personal
    # text of finished tickets after this many days (numbers, categories, times stay).
    retention_days_photos: int | None = Field(default=None, gt=0)
    retention_days_resolved: int | None = Field(default=None, gt=0)

    # Several bot processes on one PostgreSQL share Telegram's rate limits through this Redis
    # (redis://host:6379/0). Unset: one process, limits kept in memory (bot/sender/rate_limits.py).
    redis_url: str | None = None
    # How soon the other processes take over the work of one that died (kill -9, a lost
    # machine): its claimed outbox rows come back when their lease of this length runs out;
    # the digests' lease and the stored-but-unhandled updates are checked every half of it
    # (at most 30 s). Shorter means faster failover and more renewal statements.
    takeover_seconds: float = Field(default=60.0, ge=2)

    # Logging: INFO shows what aiogram, PTB, APScheduler and we do, one line per event; json is
    # for log shippers. Never secrets or residents' words at any level up to INFO.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["console", "json"] = "console"

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _case_insensitive(cls, value, info):
        if not isinstance(value, str):
            return value
        return value.strip().upper() if info.field_name == "log_level" else value.strip().lower()

    @property
    def takeover_check_seconds(self) -> float:
        """How often the digests' lease and the inbox's leftovers are checked."""
        return min(30.0, self.takeover_seconds / 2)

    def require_token(self) -> str:
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise MissingToken(
                "GRIDBOT_BOT_TOKEN is not set: the Telegram runtime cannot start without a bot "
                "token from @BotFather. Set it in the environment or in .env (see README)."
            )
        return self.bot_token.get_secret_value().strip()


class MissingToken(OperatorError):
    """Raised when a Telegram runtime is asked to start without a token."""


def load_settings(**overrides) -> Settings:
    return Settings(**overrides)
