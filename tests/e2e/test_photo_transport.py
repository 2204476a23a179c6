"""Each Telegram adapter sends our photos the same way: one photo with sendPhoto, several as
one album with sendMediaGroup; by file id (no upload) or the stored copy uploaded."""

from __future__ import annotations

import pytest

from bot.adapters.base import PermanentError, Undeliverable
from bot.adapters.telegram_common import PLATFORM
from bot.media import store_by_content
from handlers.events import OutPhoto, SendPhotos
from tests.e2e.harness import jpeg
from tests.e2e.test_adapter_differences import adapter, people  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]


def _stored(tmp_path, color) -> tuple[str, bytes]:
    data = jpeg(color)
    relative, _digest = store_by_content(tmp_path, data)
    return relative, data


async def test_one_stored_photo_is_uploaded_with_its_caption(adapter, emu, people, tmp_path):  # noqa: F811
    _resident, _worker, group = people
    relative, data = _stored(tmp_path, (10, 200, 10))
    action = SendPhotos(PLATFORM, str(group.id), (OutPhoto(media_path=relative),), "办结照片")
    message_id = await adapter.transport.send_photos(action, None)
    [sent] = emu.bot_messages(group)
    assert str(sent["message_id"]) == message_id and sent["caption"] == "办结照片"
    assert emu.file_bytes(sent["photo"][-1]["file_id"]) == data, "the stored bytes, uploaded"
    assert len(emu.calls("sendPhoto")) == 1 and not emu.calls("sendMediaGroup")


async def test_an_album_mixes_a_file_id_and_an_upload_as_one_reply(adapter, emu, people,  # noqa: F811
                                                                 tmp_path):
    resident, _worker, group = people
    report = await emu.send_photo(resident, group, jpeg((200, 10, 10)), caption="灯不亮")
    known = report["photo"][-1]["file_id"]
    relative, data = _stored(tmp_path, (10, 10, 200))
    action = SendPhotos(PLATFORM, str(group.id),
                        (OutPhoto(file_id=known), OutPhoto(media_path=relative)), "办结照片")
    first = await adapter.transport.send_photos(action, str(report["message_id"]))
    album = emu.bot_messages(group)
    assert [str(m["message_id"]) for m in album][:1] == [first] and len(album) == 2
    assert len({m["media_group_id"] for m in album}) == 1
    assert [m.get("caption") for m in album] == ["办结照片", None]
    assert album[0]["reply_to_message"]["message_id"] == report["message_id"]
    assert album[0]["photo"][-1]["file_id"] == known, "re-sent by its file id"
    assert emu.file_bytes(album[1]["photo"][-1]["file_id"]) == data
    [call] = emu.calls("sendMediaGroup")
    assert call["media"][0]["media"] == known, "no upload for the known photo"


async def test_photos_to_a_blocked_user_are_undeliverable(adapter, emu, people):  # noqa: F811
    resident, _worker, _group = people
    await emu.block_bot(resident)
    action = SendPhotos(PLATFORM, str(resident.id), (OutPhoto("x"), OutPhoto("y")))
    with pytest.raises(Undeliverable):
        await adapter.transport.send_photos(action, None)


async def test_a_missing_stored_copy_is_permanent_not_retried(adapter, people):  # noqa: F811
    _resident, _worker, group = people
    action = SendPhotos(PLATFORM, str(group.id), (OutPhoto(media_path="../../etc/passwd"),))
    with pytest.raises(PermanentError):
        await adapter.transport.send_photos(action, None)
