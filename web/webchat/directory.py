"""Who the demo's people are and which chats each of them sees, derived from their roles."""

from __future__ import annotations

from sqlmodel import select

import locales
from models.org import Area, ChatGroup, Member, RoleAssignment
from web.webchat import PLATFORM


async def identities(session, locale: str) -> list[dict]:
    members = (
        await session.exec(
            select(Member).where(Member.platform == PLATFORM).order_by(Member.id)
        )
    ).all()
    result = []
    for member in members:
        roles = (
            await session.exec(
                select(RoleAssignment.role, Area.name)
                .join(Area, Area.id == RoleAssignment.area_id)
                .where(RoleAssignment.member_id == member.id)
            )
        ).all()
        label = "、".join(f"{area}·{locales.t(locale, f'role-{role}')}" for role, area in roles)
        result.append({"id": member.platform_user_id, "name": member.display_name,
                       "roles": label})
    return result


async def member_by_identity(session, identity: str) -> Member | None:
    return (
        await session.exec(
            select(Member).where(Member.platform == PLATFORM, Member.platform_user_id == identity)
        )
    ).first()


async def visible_groups(session, member: Member) -> list[ChatGroup]:
    """A role on an area shows the groups of every grid at or below it; a role on a building
    shows its grid's group."""
    scopes = set(
        (
            await session.exec(
                select(RoleAssignment.area_id).where(RoleAssignment.member_id == member.id)
            )
        ).all()
    )
    groups = (
        await session.exec(select(ChatGroup).where(ChatGroup.platform == PLATFORM))
    ).all()
    above = set()
    for scope in scopes:
        above.update(await _chain(session, scope))
    visible = []
    for group in groups:
        if group.area_id in above or scopes & set(await _chain(session, group.area_id)):
            visible.append(group)
    return sorted(visible, key=lambda g: g.title)


async def _chain(session, area_id: int) -> list[int]:
    chain, current = [], area_id
    while current is not None and current not in chain:
        chain.append(current)
        current = (await session.get(Area, current)).parent_id
    return chain


async def audience(session, chat_id: str) -> set[str]:
    """The identities who see this chat: its owner for a private chat, else every member
    whose roles cover the group's grid. Live events go to them and nobody else."""
    if not chat_id.startswith("-"):
        return {chat_id}
    members = (await session.exec(select(Member).where(Member.platform == PLATFORM))).all()
    return {m.platform_user_id for m in members if await can_see(session, m, chat_id)}


async def can_see(session, member: Member, chat_id: str) -> bool:
    if chat_id == member.platform_user_id:
        return True
    return any(g.chat_id == chat_id for g in await visible_groups(session, member))
