"""/start (with invite codes), /help, and /bind: how people and groups join."""

from __future__ import annotations

from sqlmodel import select

from handlers.context import Ctx
from handlers.events import MessageIn
from handlers.members import RESIDENTS, STAFF_GROUP, group_for_chat, roles_over
from handlers.org_cache import forget_version
from models.invite_rules import InviteState, invite_state
from models.lifecycle import DomainError
from models.org import Area, ChatGroup, InviteCode, Role, RoleAssignment

BINDERS = {Role.ADMIN, Role.COMMAND}
REFUSED_INVITE = {
    None: "error-invite-unknown",
    InviteState.USED: "error-invite-used",
    InviteState.EXPIRED: "error-invite-expired",
    InviteState.REVOKED: "error-invite-revoked",
}


async def start(event: MessageIn, ctx: Ctx, args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    if not event.is_private:
        await help_command(event, ctx, "")
        return
    ctx.member.private_chat_id = event.chat_id
    ctx.session.add(ctx.member)
    if not args:
        ctx.send(event.chat_id, ctx.tr(locale, "start-welcome", name=ctx.member.display_name))
        await help_command(event, ctx, "")
        return
    invite = (
        await ctx.session.exec(select(InviteCode).where(InviteCode.code == args.strip()))
    ).first()
    # Refused by a reply, not a DomainError: that would roll back the private chat id above,
    # and the bot could then never reach this person privately.
    state = None if invite is None else invite_state(ctx.now, invite.used_at, invite.revoked_at,
                                                     invite.expires_at)
    if state is not InviteState.OPEN:
        ctx.send(event.chat_id, ctx.tr(locale, REFUSED_INVITE[state]))
        return
    invite.used_at, invite.used_by_member_id = ctx.now, ctx.member.id
    ctx.session.add(invite)
    exists = (
        await ctx.session.exec(
            select(RoleAssignment).where(
                RoleAssignment.member_id == ctx.member.id,
                RoleAssignment.role == invite.role,
                RoleAssignment.area_id == invite.area_id,
                RoleAssignment.department_id == invite.department_id,
            )
        )
    ).first()
    if exists is None:
        ctx.session.add(
            RoleAssignment(member_id=ctx.member.id, role=invite.role, area_id=invite.area_id,
                           department_id=invite.department_id)
        )
    area = await ctx.session.get(Area, invite.area_id)
    ctx.send(
        event.chat_id,
        ctx.tr(locale, "start-role-granted", role=ctx.tr(locale, f"role-{invite.role}"),
               area=area.name, code=area.code),
    )


async def help_command(event: MessageIn, ctx: Ctx, _args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    roles: set[Role] = set()
    group = (await group_for_chat(ctx, event.chat_id, purpose=None)
             if not event.is_private else None)
    if group is not None:
        roles = await roles_over(ctx, ctx.member, group.area_id)
    else:
        rows = await ctx.session.exec(
            select(RoleAssignment.role).where(RoleAssignment.member_id == ctx.member.id)
        )
        roles = {Role(r) for r in rows.all()}
    staff = roles & {Role.WORKER, Role.LEADER, Role.COMMAND, Role.ADMIN, Role.LIAISON}
    ctx.send(event.chat_id, ctx.tr(locale, "help-staff" if staff else "help-resident"))


# `/bind CODE staff` (or 工作): a staff group; plain `/bind CODE` a grid's residents' group.
STAFF_WORDS = {"staff", "工作", "工作群"}


async def bind(event: MessageIn, ctx: Ctx, args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    if event.is_private:
        raise DomainError("error-bind-in-group")
    code, _, purpose_word = args.strip().partition(" ")
    code, purpose_word = code.upper(), purpose_word.strip().lower()
    if not code or (purpose_word and purpose_word not in STAFF_WORDS):
        ctx.send(event.chat_id, ctx.tr(locale, "bind-usage") + "\n"
                 + ctx.tr(locale, "bind-usage-staff"), reply_to=event.message_id)
        return
    purpose = STAFF_GROUP if purpose_word else RESIDENTS
    area = (await ctx.session.exec(select(Area).where(Area.code == code))).first()
    if area is None:
        raise DomainError("error-unknown-area", code=code)
    if purpose == RESIDENTS and area.kind != "grid":
        raise DomainError("error-bind-grid-only", code=code)
    if purpose == STAFF_GROUP and area.kind == "building":
        raise DomainError("error-bind-staff-building", code=code)
    if not await roles_over(ctx, ctx.member, area.id) & BINDERS:
        raise DomainError("error-not-admin", code=code)
    group = (await ctx.session.exec(select(ChatGroup).where(  # the row, not the cached copy
        ChatGroup.platform == ctx.platform, ChatGroup.chat_id == event.chat_id))).first()
    if group is None:
        group = ChatGroup(platform=ctx.platform, chat_id=event.chat_id, area_id=area.id,
                          title=event.chat_title, bound_at=ctx.now)
    group.area_id, group.title = area.id, event.chat_title or group.title
    group.bound_by_member_id, group.bound_at, group.purpose = ctx.member.id, ctx.now, purpose
    ctx.session.add(group)
    forget_version(ctx)  # the trigger bumps org_version: later lookups here see the binding
    key = "bind-done" if purpose == RESIDENTS else "bind-staff-done"
    ctx.send(event.chat_id, ctx.tr(locale, key, name=area.name, code=area.code))
