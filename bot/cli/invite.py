"""`gridbot invite`: create, list and revoke invite codes / 邀请码.

`gridbot invite --grid G0102 --role worker` (the form the README has always shown) and
`gridbot invite create ...` do the same. Only typer is imported here at load time: the
database, the settings and aiogram come in inside the commands, so `gridbot --help` stays fast.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

invite_app = typer.Typer(help="Invite codes that grant a role / 邀请码.",
                         invoke_without_command=True)

AreaOpt = Annotated[str | None, typer.Option(
    "--grid", "--area", help="Area code: a grid for workers, a community or above for admins.")]
RoleOpt = Annotated[str | None, typer.Option(help="worker, leader, building_head, liaison, "
                                                  "admin, command (or resident).")]
DepartmentOpt = Annotated[str | None, typer.Option(help="Department code; a liaison needs one.")]
ExpiresOpt = Annotated[str | None, typer.Option(
    help="How long the code works: 3d, 12h, 1d12h (default 7d, at most 90d).")]
HINT = "run `gridbot db upgrade` and `gridbot org import FILE` first / 请先导入组织架构"


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _settings(ctx: typer.Context):
    from pydantic import ValidationError

    from bot.settings import load_settings

    overrides = {k: v for k, v in (ctx.obj or {}).items() if v is not None}
    try:
        return load_settings(**overrides)
    except ValidationError as exc:
        raise _fail(f"bad settings / 配置错误:\n{exc}", 2) from None


def _with_database(ctx: typer.Context, work):
    """`work(session_factory)` on the configured database, and the settings; fails in one line."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from models.db import make_engine, make_session_factory
    from models.invite_rules import InviteRuleError

    settings = _settings(ctx)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        from pathlib import Path

        if not Path(url.database).expanduser().exists():  # SQLite would make an empty file
            raise _fail(f"no database at {url.database}; {HINT}")

    async def go():
        engine = make_engine(settings.database_url)
        try:
            return await work(make_session_factory(engine))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(go()), settings
    except InviteRuleError as exc:  # bot.invites.InviteError too
        raise _fail(str(exc)) from None
    except SQLAlchemyError as exc:
        raise _fail(f"database error / 数据库错误: {getattr(exc, 'orig', exc)}; {HINT}") from None


def _create(ctx: typer.Context, area: str, role: str, department: str | None,
            expires: str | None) -> None:
    from bot.invites import bot_username, create_invite
    from models.clock import Clock
    from models.invite_rules import InviteRuleError, parse_lifetime

    try:
        lifetime = parse_lifetime(expires)
    except InviteRuleError as exc:
        raise _fail(str(exc)) from None

    async def work(session_factory):
        return await create_invite(session_factory, area, role, department, Clock(), lifetime)

    (invite, area_row), settings = _with_database(ctx, work)
    username, problem = None, None
    try:
        username = asyncio.run(bot_username(settings))
    except Exception as exc:  # noqa: BLE001 - the invite exists; a hiccup must not hide it
        problem = f"could not ask Telegram for the bot's username ({exc})"
    until = _local(invite.expires_at, settings.timezone)
    typer.echo(f"invite code / 邀请码: {invite.code}  ({invite.role} @ {area_row.code} "
               f"{area_row.name}), expires / 有效至 {until}")
    if username:
        typer.echo(f"link / 链接: https://t.me/{username}?start={invite.code}")
        return
    if problem:
        typer.echo(problem, err=True)
    typer.echo("set GRIDBOT_BOT_USERNAME (or GRIDBOT_BOT_TOKEN) to get a link "
               f"/ 设置 GRIDBOT_BOT_USERNAME 以生成链接; meanwhile send: /start {invite.code}")


def _local(moment, timezone: str) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M") if moment else "-"


@invite_app.callback()
def invite(ctx: typer.Context, area: AreaOpt = None, role: RoleOpt = None,
           department: DepartmentOpt = None, expires: ExpiresOpt = None) -> None:
    """Create a single-use invite link (or: list, revoke) / 生成邀请链接."""
    if ctx.invoked_subcommand is not None:
        if area or role or department or expires:
            raise _fail("put --grid/--role after `create`, not before a sub-command / 参数位置不对")
        return
    if not area or not role:
        raise _fail("give --grid CODE and --role ROLE (see gridbot invite --help) "
                    "/ 请指定区域和角色", 2)
    _create(ctx, area, role, department, expires)


@invite_app.command("create")
def create(ctx: typer.Context, area: AreaOpt = None, role: RoleOpt = None,
           department: DepartmentOpt = None, expires: ExpiresOpt = None) -> None:
    """The same as `gridbot invite --grid ... --role ...` / 生成邀请链接."""
    invite(ctx, area, role, department, expires)


@invite_app.command("list")
def list_(ctx: typer.Context) -> None:
    """Every invite code: role, area, created, expires, used by / revoked / 邀请码列表."""
    from bot.invites import list_invites
    from models.clock import Clock

    rows, settings = _with_database(ctx, lambda factory: list_invites(factory, Clock()))
    if not rows:
        typer.echo("no invite codes yet / 暂无邀请码")
        return
    typer.echo("code          role           area       created           expires           "
               "status")
    for row in rows:
        role = f"{row.role}:{row.department}" if row.department else row.role
        status = f"used by / 已使用: {row.used_by}" if row.used_by else _STATUS[row.state]
        typer.echo(f"{row.code:<13} {role:<14} {row.area:<10} "
                   f"{_local(row.created_at, settings.timezone):<17} "
                   f"{_local(row.expires_at, settings.timezone):<17} {status}")


_STATUS = {"open": "open / 可用", "used": "used / 已使用", "revoked": "revoked / 已作废",
           "expired": "expired / 已过期"}


@invite_app.command("revoke")
def revoke(ctx: typer.Context, code: Annotated[str, typer.Argument(help="The invite code.")]):
    """Revoke an unused invite code so its link no longer works / 作废邀请码."""
    from bot.invites import revoke_invite
    from models.clock import Clock

    before, _ = _with_database(ctx, lambda factory: revoke_invite(factory, code, Clock()))
    if before == "used":
        raise _fail(f"{code} was already used; remove the person's role instead "
                    "/ 邀请码已被使用，无法作废")
    if before == "revoked":
        typer.echo(f"{code} was already revoked / 邀请码此前已作废")
        return
    typer.echo(f"revoked / 已作废: {code}")
