"""`gridbot backup DIR`, `gridbot restore DIR [--force]`, `gridbot prune [--dry-run]`: keeping
the data. Only typer at load time, so `gridbot --help` stays fast; the rest comes in inside.
Failures are bot.errors.OperatorError: one sentence, no traceback (bot/cli/errors.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import checked_settings, upgrade_database

Folder = Annotated[Path, typer.Argument(help="The backup folder / 备份目录.", file_okay=False)]


def backup(ctx: typer.Context, folder: Folder) -> None:
    """Back up the database and the photos into a new folder, while the bot runs / 备份."""
    from bot.backup import back_up

    settings = checked_settings(ctx)
    written = back_up(settings.database_url, settings.media_dir, folder)
    typer.echo(f"backed up / 已备份: {written} → {folder}")


def restore(
    ctx: typer.Context,
    folder: Folder,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a database that already holds data / 覆盖已有数据.")] = False,
) -> None:
    """Restore a backup made by `gridbot backup`; stop the bot first / 恢复备份."""
    from bot.backup import restore as put_back

    settings = checked_settings(ctx)
    written = put_back(settings.database_url, settings.media_dir, folder, force=force)
    typer.echo(f"restored / 已恢复: {written} ← {folder}; start the bot: gridbot run")


def prune(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only count what would be pruned / 只统计，不删除.")] = False,
) -> None:
    """Apply GRIDBOT_RETENTION_DAYS_PHOTOS / _RESOLVED now (a daily job does it too) / 清理."""
    from models.retention import RetentionPolicy

    settings = checked_settings(ctx)
    policy = RetentionPolicy(settings.retention_days_photos, settings.retention_days_resolved)
    if policy.keeps_everything:
        typer.echo("no retention set (GRIDBOT_RETENTION_DAYS_PHOTOS, "
                   "GRIDBOT_RETENTION_DAYS_RESOLVED): everything is kept "
                   "/ 未设置保留期限，全部保留")
        return
    upgrade_database(settings.database_url)
    report = asyncio.run(_prune(settings, policy, dry_run))
    verb = "would be / 将" if dry_run else "done / 已"
    typer.echo(f"{verb}: {report.photos} photos ({report.files} files) deleted / 删除照片, "
               f"{report.tickets} tickets anonymised / 匿名化工单")


async def _prune(settings, policy, dry_run: bool):
    from handlers.context import Config, Deps
    from handlers.upkeep.retention import prune as run_prune
    from models.clock import Clock
    from models.db import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    try:
        deps = Deps(make_session_factory(engine), Clock(), Config(timezone=settings.timezone))
        return await run_prune(deps, policy, Path(settings.media_dir), dry_run=dry_run)
    finally:
        await engine.dispose()
