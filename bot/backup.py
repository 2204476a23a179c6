"""Backups an operator can make while the bot runs, and restore.

A backup folder holds `manifest.json`, the database (SQLite: `gridbot.db`, a consistent copy
made with sqlite3's online backup API, safe while the bot writes; PostgreSQL: `gridbot.pgdump`
from `pg_dump --format=custom`) and `media/`, the photo files. The database is copied first:
photos are written before the row that names them, so every photo the copy names is on disk
by the time the folder is copied (a newer photo in the copy is harmless).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.errors import OperatorError

MANIFEST, SQLITE_FILE, PG_FILE, MEDIA = "manifest.json", "gridbot.db", "gridbot.pgdump", "media"


class BackupError(OperatorError):
    """One sentence for the operator: a folder in the way, a missing tool, a full database."""


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def libpq_url(url: str) -> str:
    """postgresql+asyncpg://… as pg_dump and pg_restore read it: no driver name, and no
    password (that goes in PGPASSWORD, never on a command line others can see in `ps`)."""
    return make_url(url).set(drivername="postgresql", password=None).render_as_string()


def back_up(url: str, media_dir: Path, folder: Path) -> str:
    """Write a backup into `folder` (new or empty); returns what was written, for the CLI."""
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder / 请指定一个空目录")
    folder.mkdir(parents=True, exist_ok=True)
    if (source := sqlite_path(url)) is not None:
        if not source.exists():
            raise BackupError(f"no database at {source} / 找不到数据库")
        with sqlite3.connect(source) as live, sqlite3.connect(folder / SQLITE_FILE) as copy:
            live.backup(copy)
        kind, written = "sqlite", SQLITE_FILE
    else:
        _run_pg("pg_dump", "--format=custom", "--no-owner", f"--file={folder / PG_FILE}",
                libpq_url(url), url=url)
        kind, written = "postgresql", PG_FILE
    photos = _copy_media(Path(media_dir), folder / MEDIA)
    (folder / MANIFEST).write_text(json.dumps(
        {"kind": kind, "database": written, "media": MEDIA, "photos": photos,
         "created": datetime.now(UTC).isoformat(timespec="seconds")}, indent=1))
    return f"{written} + {photos} photo files"


def restore(url: str, media_dir: Path, folder: Path, *, force: bool) -> str:
    """Put a backup back; refuses a database that has data unless `force`."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(f"{folder} is not a gridbot backup (no {MANIFEST}) / 不是备份目录") \
            from None
    target = sqlite_path(url)
    if (manifest["kind"] == "sqlite") != (target is not None):
        raise BackupError(f"this backup is of a {manifest['kind']} database; "
                          "GRIDBOT_DATABASE_URL names another kind / 数据库类型不符")
    if not force and _has_data(url, target):
        raise BackupError("the database already holds data; add --force to replace it "
                          "/ 数据库已有数据，确认覆盖请加 --force")
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Through the backup API, not a file copy: a leftover -wal file cannot win over it.
        with sqlite3.connect(folder / SQLITE_FILE) as saved, sqlite3.connect(target) as db:
            saved.backup(db)
    else:
        _run_pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                f"--dbname={libpq_url(url)}", str(folder / PG_FILE), url=url)
    photos = _copy_media(folder / MEDIA, Path(media_dir))
    return f"{manifest['database']} + {photos} photo files"


def _copy_media(source: Path, target: Path) -> int:
    if not source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    # Half-written downloads are ".*.part" files; stored files never change (content-named),
    # so copying over an existing folder only adds what is missing.
    shutil.copytree(source, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".*.part"))
    return sum(1 for p in target.rglob("*") if p.is_file())


def _has_data(url: str, target: Path | None) -> bool:
    if target is not None:
        if not target.exists():
            return False
        # The same rule as PostgreSQL's below: the migrations themselves write rows (the
        # org version counter), so "any row anywhere" would call a fresh database full.
        with sqlite3.connect(target) as db:
            tables = {name for (name,) in db.execute(
                "select name from sqlite_master where type='table'")}
            return any(db.execute(f'select 1 from "{t}" limit 1').fetchone()
                       for t in ("area", "member", "ticket") if t in tables)
    # A database the bot merely migrated is empty; one with an org or a ticket is not.
    query = ("select to_regclass('area') is not null and (exists (select from area) or "
             "exists (select from member) or exists (select from ticket))")
    if _run_pg("psql", "--no-psqlrc", "-Atc", "select to_regclass('area') is not null",
               libpq_url(url), url=url).strip() != "t":
        return False
    return _run_pg("psql", "--no-psqlrc", "-Atc", query, libpq_url(url), url=url).strip() == "t"


def _run_pg(tool: str, *args: str, url: str) -> str:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not on PATH: install PostgreSQL's client tools "
                          f"(Debian: apt-get install postgresql-client) / 未找到 {tool}")
    password = make_url(url).password
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    done = subprocess.run([tool, *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"{tool}: {last}")
    return done.stdout
