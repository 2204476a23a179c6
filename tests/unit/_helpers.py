"""Helpers shared by the unit tests: extra people, ticket reads, and a snapshot of state."""

from __future__ import annotations

from sqlmodel import select

from handlers import bus
from handlers.events import AnswerButton, EditText, SendText, User
from models.lifecycle import Status
from models.messaging import Conversation, Draft
from models.org import Area, ChatGroup, Department, InviteCode, Member, RoleAssignment
from models.ticket import Photo, Ticket, TicketEvent
from tests.support.outbox import take_outbox
from tests.support.world import PLATFORM, Person

LEAKS = ("Traceback", "Error", "error-", "Exception")


async def area_id(deps, code: str) -> int:
    async with deps.session_factory() as s:
        return (await s.exec(select(Area.id).where(Area.code == code))).one()


async def add_department(deps, code: str, name: str) -> int:
    async with deps.session_factory() as s, s.begin():
        department = Department(code=code, name=name, name_en=code.title())
        s.add(department)
        await s.flush()
        return department.id


async def add_person(deps, uid: str, name: str, role: str | None = None,
                     area_code: str | None = None, *, started: bool = True,
                     department_id: int | None = None) -> Person:
    """A member (optionally with one role) the shared world does not have."""
    async with deps.session_factory() as s, s.begin():
        member = Member(platform=PLATFORM, platform_user_id=uid, display_name=name,
                        locale="zh_CN", private_chat_id=uid if started else None,
                        created_at=deps.clock.now())
        s.add(member)
        await s.flush()
        if role is not None:
            where = (await s.exec(select(Area.id).where(Area.code == area_code))).one()
            s.add(RoleAssignment(member_id=member.id, role=role, area_id=where,
                                 department_id=department_id))
        return Person(member.id, User(uid, name, "zh-hans"), uid)


async def grant(deps, person: Person, role: str, area_code: str) -> None:
    async with deps.session_factory() as s, s.begin():
        where = (await s.exec(select(Area.id).where(Area.code == area_code))).one()
        s.add(RoleAssignment(member_id=person.member_id, role=role, area_id=where))


async def all_tickets(deps) -> list[Ticket]:
    async with deps.session_factory() as s:
        return list((await s.exec(select(Ticket).order_by(Ticket.id))).all())


async def ticket(deps, number: str = "G0102-0001") -> Ticket:
    async with deps.session_factory() as s:
        return (await s.exec(select(Ticket).where(Ticket.number == number))).one()


async def events_of(deps, ticket_id: int) -> list[TicketEvent]:
    async with deps.session_factory() as s:
        return list((await s.exec(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        )).all())


async def photos_of(deps, ticket_id: int) -> list[Photo]:
    async with deps.session_factory() as s:
        return list((await s.exec(
            select(Photo).where(Photo.ticket_id == ticket_id).order_by(Photo.id))).all())


async def snapshot(deps) -> dict:
    """Everything a refusal must leave alone (the inbox and the outbox change by design)."""
    async with deps.session_factory() as s:
        def rows(result, *names):
            return sorted(tuple(getattr(r, n) for n in names) for r in result.all())

        return {
            "tickets": rows(await s.exec(select(Ticket)), "id", "number", "status", "version",
                            "assignee_id", "category", "rating", "department_id",
                            "reject_reason", "close_note"),
            "events": rows(await s.exec(select(TicketEvent)), "id", "action", "to_status"),
            "photos": rows(await s.exec(select(Photo)), "id", "ticket_id", "file_unique_id"),
            "drafts": rows(await s.exec(select(Draft)), "id", "status", "ticket_id", "photos"),
            "groups": rows(await s.exec(select(ChatGroup)), "id", "chat_id", "area_id"),
            "roles": rows(await s.exec(select(RoleAssignment)), "member_id", "role", "area_id"),
            "invites": rows(await s.exec(select(InviteCode)), "code", "used_at",
                            "used_by_member_id"),
            "conversations": rows(await s.exec(select(Conversation)), "member_id", "chat_id",
                                  "kind", "step", "data"),
        }


async def report_in_group(deps, script, world, text: str = "3号楼楼道声控灯不亮",
                          person: Person | None = None) -> Ticket:
    """A ticket made at once with /report in the grid's group; the outbox is drained."""
    before = {t.id for t in await all_tickets(deps)}
    await bus.receive(script.text(person or world.resident, world.group_chat,
                                  f"/report {text}"), deps)
    await take_outbox(deps)
    made = [t for t in await all_tickets(deps) if t.id not in before]
    assert len(made) == 1, made
    return made[0]


def only_alert(out, callback_id: str) -> AnswerButton:
    """A refused press: exactly one action, an alert on that very button, with no leak."""
    assert len(out) == 1, out
    answer = out[0]
    assert isinstance(answer, AnswerButton), answer
    assert answer.callback_id == callback_id
    assert answer.alert is True
    assert not any(word in answer.text for word in LEAKS), answer.text
    return answer


def only_reply(out, chat_id: str, reply_to: str | None) -> SendText:
    """A refused message: exactly one plain reply in that chat, with no buttons and no leak."""
    assert len(out) == 1, out
    reply = out[0]
    assert isinstance(reply, SendText), reply
    assert reply.chat_id == chat_id and reply.reply_to == reply_to
    assert reply.buttons == ()
    assert not any(word in reply.text for word in LEAKS), reply.text
    return reply


async def press_refused(deps, script, person, chat, data, state=snapshot) -> str:
    """Press a button that must be refused; return the alert after checking `state` is as
    before (by default the whole snapshot; a test may add what it cares about)."""
    before = await state(deps)
    event = script.press(person, chat, data)
    await bus.receive(event, deps)
    answer = only_alert(await take_outbox(deps), event.callback_id)
    assert await state(deps) == before
    return answer.text


async def say_refused(deps, script, person, chat, text, state=snapshot) -> str:
    """Send a message that must be refused; return the one reply (see press_refused)."""
    before = await state(deps)
    event = script.text(person, chat, text)
    await bus.receive(event, deps)
    reply = only_reply(await take_outbox(deps), chat,
                       None if event.is_private else event.message_id)
    assert await state(deps) == before
    return reply.text


def card_edit(out, chat_id: str, ref: str = "card:1") -> EditText:
    """The one edit of a card in that chat."""
    edits = [a for a in out if isinstance(a, EditText) and a.chat_id == chat_id and a.ref == ref]
    assert len(edits) == 1, out
    return edits[0]


async def resolve(deps, script, world) -> list:
    """Take and close ticket 1 with the worker, skipping the closing note; returns what the
    last step queued (the rating polls among it)."""
    for data in ("tk:take:1", "tk:done:1"):
        await bus.receive(script.press(world.worker, world.group_chat, data), deps)
    await take_outbox(deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat, "cv:skip:"), deps)
    assert (await ticket(deps)).status == Status.RESOLVED
    return await take_outbox(deps)


async def bind_staff_group(deps, chat_id: str, area_code: str) -> None:
    """A staff group (`/bind CODE staff`) without going through the command."""
    async with deps.session_factory() as s, s.begin():
        where = (await s.exec(select(Area.id).where(Area.code == area_code))).one()
        s.add(ChatGroup(platform=PLATFORM, chat_id=chat_id, area_id=where, title="工作群",
                        purpose="staff", bound_at=deps.clock.now()))


async def undeliverable(deps) -> list:
    """Staff-only messages nobody could be reached for (handlers.routing)."""
    from handlers.routing import undeliverable_notices

    async with deps.session_factory() as s:
        return await undeliverable_notices(s)
