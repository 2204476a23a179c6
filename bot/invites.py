"""Invite codes for the operator: create, list, revoke. Database work only; the CLI prints.

Kept apart from bot/cli/__init__.py so that `gridbot --help` and the other commands never load this,
and aiogram (asked for the bot's username) only when an invite is printed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from models.clock import Clock
from models.invite_rules import InviteRuleError, InviteState, check_role_fits, invite_state
from models.org import Area, Department, InviteCode, Member, Role


class InviteError(InviteRuleError):
    pass


def new_invite_code() -> str:
    # 9 random bytes are 12 URL-safe characters (A-Z a-z 0-9 _ -): what Telegram allows in a
    # /start parameter (at most 64), and too many to guess.
    return secrets.token_urlsafe(9)


async def create_invite(session_factory, area_code: str, role: str, department: str | None,
                        clock: Clock, lifetime: timedelta) -> tuple[InviteCode, Area]:
    """A single-use invite that grants `role` over the area until `lifetime` has passed."""
    if role.lower() not in set(Role):
        raise InviteError(f"unknown role '{role}' (expected {'|'.join(Role)}) / 未知角色")
    role = Role(role.lower())
    async with session_factory() as session, session.begin():
        code = area_code.strip().upper()
        area = (await session.exec(select(Area).where(Area.code == code))).first()
        if area is None:
            raise InviteError(f"unknown area {code}; import the org first (gridbot org import) "
                              "/ 区域不存在")
        check_role_fits(role, area.kind, area.code, bool(department))
        department_id = None
        if department:
            found = (await session.exec(
                select(Department).where(Department.code == department.strip().lower()))).first()
            if found is None:
                raise InviteError(f"unknown department {department} / 部门不存在")
            department_id = found.id
        now = clock.now()
        invite = InviteCode(code=new_invite_code(), role=role.value, area_id=area.id,
                            department_id=department_id, created_at=now,
                            expires_at=now + lifetime)
        session.add(invite)
    return invite, area


@dataclass(frozen=True)
class InviteRow:
    code: str
    role: str
    area: str
    department: str | None
    created_at: datetime
    expires_at: datetime | None
    state: InviteState
    used_by: str | None


async def list_invites(session_factory, clock: Clock) -> list[InviteRow]:
    """Every code, newest first, with what became of it."""
    now = clock.now()
    async with session_factory() as session:
        rows = (await session.exec(
            select(InviteCode, Area, Department, Member)
            .join(Area, Area.id == InviteCode.area_id)
            .outerjoin(Department, Department.id == InviteCode.department_id)
            .outerjoin(Member, Member.id == InviteCode.used_by_member_id)
            .order_by(InviteCode.created_at.desc(), InviteCode.id.desc())
        )).all()
    return [
        InviteRow(i.code, i.role, a.code, d.code if d else None, i.created_at, i.expires_at,
                  invite_state(now, i.used_at, i.revoked_at, i.expires_at),
                  (m.display_name or m.platform_user_id) if m else None)
        for i, a, d, m in rows
    ]


async def revoke_invite(session_factory, code: str, clock: Clock) -> InviteState:
    """Revoke an unused code. Returns the state it had; a used code is left as it is."""
    async with session_factory() as session, session.begin():
        invite = (await session.exec(
            select(InviteCode).where(InviteCode.code == code.strip()))).first()
        if invite is None:
            raise InviteError(f"unknown invite code {code.strip()} / 邀请码不存在")
        now = clock.now()
        before = invite_state(now, invite.used_at, invite.revoked_at, invite.expires_at)
        if before in (InviteState.OPEN, InviteState.EXPIRED):
            invite.revoked_at = now
            session.add(invite)
        return before


async def bot_username(settings) -> str | None:
    """GRIDBOT_BOT_USERNAME, else ask Telegram's getMe when a token is set, else None."""
    if settings.bot_username:
        return settings.bot_username.strip().lstrip("@")
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        return None
    # Only here: printing a link is the one invite step that needs a messenger client.
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    try:
        bot = Bot(settings.require_token(), session=session)
        return (await bot.get_me()).username
    finally:
        await session.close()
