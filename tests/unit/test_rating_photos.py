"""The rating request shows the after-photos themselves, queued just before its text and
buttons, in the chat the request goes to (private, or the grid's group by name)."""

from __future__ import annotations

from sqlmodel import select

from handlers import bus
from handlers.casework.rating_evidence import after_photos
from handlers.context import Ctx
from handlers.events import OutPhoto, SendPhotos, SendText, from_json
from handlers.outbox import write_outbox
from models.message_limits import CAPTION_LIMIT
from models.messaging import OutboxMessage
from models.org import Member
from models.ticket import Photo
from tests.support.outbox import buttons_of, find_send, take_outbox
from tests.support.world import Script, build_world
from tests.unit._helpers import report_in_group, ticket


async def _resolve_with_photos(deps, script, world, uids=("after1", "after2"), note="已换灯泡"):
    """Report in the group, take, [办结], the after-photos and a note, [完成]."""
    await report_in_group(deps, script, world)
    me = world.worker.private_chat
    for data in ("tk:take:1", "tk:done:1"):
        await bus.receive(script.press(world.worker, world.group_chat, data), deps)
    for uid in uids:
        await bus.receive(script.photo(world.worker, me, uid=uid), deps)
    if note:
        await bus.receive(script.text(world.worker, me, note), deps)
    await take_outbox(deps)
    await bus.receive(script.press(world.worker, me, "cv:done:"), deps)
    return await take_outbox(deps)


async def _never_started(deps, *people) -> None:
    async with deps.session_factory() as s, s.begin():
        for person in people:
            member = await s.get(Member, person.member_id)
            member.private_chat_id = None
            s.add(member)


def _to(out, chat_id):
    return [a for a in out if isinstance(a, SendPhotos | SendText) and a.chat_id == chat_id]


async def test_the_photos_come_just_before_the_rating_request(deps):
    world = await build_world(deps)
    out = await _resolve_with_photos(deps, Script(), world)
    photos, rating = _to(out, world.resident.private_chat)
    assert isinstance(photos, SendPhotos), "the photos first, then the poll"
    # Re-sent by the file id the worker's photos arrived with: no upload.
    assert [p.file_id for p in photos.media] == ["file-after1", "file-after2"]
    assert photos.caption == "G0102-0001 办结后的现场照片"
    assert photos.ticket_id == (await ticket(deps)).id
    assert "请评价" in rating.text and "处理说明：已换灯泡" in rating.text
    assert rating.buttons, "the rating buttons stay on the text"


async def test_no_after_photo_no_photo_message(deps):
    world = await build_world(deps)
    out = await _resolve_with_photos(deps, Script(), world, uids=())
    assert not [a for a in out if isinstance(a, SendPhotos)]
    assert "请评价" in _to(out, world.resident.private_chat)[0].text


async def test_never_started_the_bot_the_photos_go_to_the_group_before_the_request(deps):
    world = await build_world(deps)
    await _never_started(deps, world.resident)
    out = await _resolve_with_photos(deps, Script(), world)
    in_group = _to(out, world.group_chat)
    kinds = [type(a).__name__ for a in in_group if isinstance(a, SendPhotos)
             or "请评价" in a.text]
    assert kinds == ["SendPhotos", "SendText"]
    photos = next(a for a in in_group if isinstance(a, SendPhotos))
    rating = next(a for a in in_group if isinstance(a, SendText) and "请评价" in a.text)
    assert rating.text.startswith("@王阿姨 ")
    assert photos.reply_to == rating.reply_to == (await ticket(deps)).source_message_id
    assert "王阿姨" not in photos.caption, "the photos show the fixed problem, not who asked"


async def test_two_reporters_reached_in_one_group_see_the_photos_once(deps):
    world = await build_world(deps)
    await _never_started(deps, world.resident, world.neighbour)
    script = Script()
    await report_in_group(deps, script, world)
    await bus.receive(script.text(world.neighbour, world.group_chat, "/report 3号楼楼道声控灯不亮"),
                      deps)
    offer = find_send(await take_outbox(deps), world.group_chat, "是同一件事吗")
    plus_one = buttons_of(offer)[0]
    assert plus_one.startswith("dup:y:")
    await bus.receive(script.press(world.neighbour, world.group_chat, plus_one), deps)
    await take_outbox(deps)
    for data in ("tk:take:1", "tk:done:1"):
        await bus.receive(script.press(world.worker, world.group_chat, data), deps)
    await bus.receive(script.photo(world.worker, world.worker.private_chat, uid="a1"), deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat, "cv:done:"), deps)
    out = await take_outbox(deps)
    asks = [a for a in _to(out, world.group_chat) if "请评价" in getattr(a, "text", "")]
    assert len(asks) == 2, "each reporter gets a poll"
    assert len([a for a in out if isinstance(a, SendPhotos)]) == 1


async def test_a_photo_from_another_platform_is_uploaded_once_stored(deps):
    world = await build_world(deps)
    await _resolve_with_photos(deps, Script(), world, uids=("here", "there", "unstored"))
    async with deps.session_factory() as s, s.begin():
        rows = (await s.exec(select(Photo).where(Photo.stage == "after")
                             .order_by(Photo.id))).all()
        rows[1].platform, rows[1].stored_path = "webchat", "ab/cd/abcd.jpg"
        rows[2].platform = "webchat"  # not downloaded yet: nothing to upload
        rows[0].stored_path = "ef/01/ef01.jpg"
        s.add_all(rows)
    async with deps.session_factory() as s:
        ctx = Ctx(session=s, deps=deps, platform="telegram")
        shown = await after_photos(ctx, await ticket(deps))
    assert shown == (OutPhoto("file-here", "ef/01/ef01.jpg"), OutPhoto(None, "ab/cd/abcd.jpg"))


async def test_an_album_is_at_most_ten_photos_and_the_caption_1024(deps):
    async with deps.session_factory() as s:
        ctx = Ctx(session=s, deps=deps, platform="telegram")
        ctx.send_photos("-1", tuple(OutPhoto(f"f{i}") for i in range(12)), "说" * 2000)
        ctx.send_photos("-1", ())
    [album] = ctx.actions
    assert len(album.media) == 10 and album.media[-1].file_id == "f9"
    assert len(album.caption) == CAPTION_LIMIT and album.caption.endswith("…")


async def test_the_outbox_round_trips_a_photo_message(deps):
    action = SendPhotos("telegram", "1001", (OutPhoto("file-a"), OutPhoto(None, "ab/cd/x.jpg")),
                        "G0102-0001 办结后的现场照片", reply_to="77", ticket_id=None)
    async with deps.session_factory() as s, s.begin():
        await write_outbox(s, [action], deps.clock.now())
    async with deps.session_factory() as s:
        row = (await s.exec(select(OutboxMessage))).one()
    assert (row.kind, row.chat_id, row.status) == ("send_photos", "1001", "pending")
    assert from_json(row.payload) == action
