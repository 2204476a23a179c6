"""Where aiogram and python-telegram-bot differ, and each adapter absorbs it.

Every test runs once per Telegram runtime: the adapter's own transport and translator, built
with the runtime's own builders, over real HTTP against the Bot API emulator. The assertions
are messenger-neutral, so both adapters must give the core the same thing.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import pytest

from bot.adapters.base import (
    MessageGone,
    PermanentError,
    RetryAfter,
    TransientError,
    Transport,
    Undeliverable,
)
from bot.adapters.telegram_common import PLATFORM
from bot.settings import Settings
from handlers.events import AnswerButton, Button, ButtonPress, EditText, MessageIn, SendText
from tests.e2e.harness import TOKEN, jpeg

pytestmark = [
    pytest.mark.e2e,
    # PTB 22 warns inside RetryAfter() itself unless PTB_TIMEDELTA is set; not ours to fix.
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]
CARD_BUTTONS = ((Button("接单", "tk:take:1"), Button("转派", "tk:pass:1")),)


@dataclass
class Adapter:
    transport: Transport
    fetch: Callable[[], Awaitable[list]]  # the framework's own Update objects, via getUpdates
    translate: Callable  # one native Update → MessageIn | ButtonPress | None

    async def events(self) -> list:
        return [self.translate(update) for update in await self.fetch()]


def _aiogram_translator(bot_id: int):
    from bot.adapters.aiogram.translate import button_event, message_event

    def translate(update):
        if update.message is not None:
            return message_event(update.message, bot_id, update.update_id)
        if update.callback_query is not None:
            return button_event(update.callback_query, bot_id, update.update_id)
        return None  # the aiogram runtime has no router for other update kinds

    return translate


@pytest.fixture(params=["aiogram", "ptb"])
async def adapter(request, emu, tmp_path):
    settings = Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=emu.base_url)
    if request.param == "aiogram":
        from bot.adapters.aiogram.runtime import build_bot
        from bot.adapters.aiogram.transport import AiogramTransport

        bot = build_bot(settings)
        me = await bot.get_me()
        yield Adapter(AiogramTransport(bot, tmp_path), lambda: bot.get_updates(timeout=0),
                      _aiogram_translator(me.id))
        await bot.session.close()
    else:
        from bot.adapters.ptb.runtime import build_application
        from bot.adapters.ptb.translate import translate
        from bot.adapters.ptb.transport import PtbTransport

        app = build_application(settings)
        await app.initialize()
        yield Adapter(PtbTransport(app.bot, tmp_path), lambda: app.bot.get_updates(timeout=0),
                      lambda update: translate(update, app.bot.id))
        await app.shutdown()
    assert not emu.internal_errors, emu.internal_errors


@pytest.fixture
def people(emu):
    resident = emu.add_user("王阿姨", language_code="zh-hans", started=True)
    worker = emu.add_user("杨超", last_name="网格员", started=True)
    group = emu.add_group("四海二网格群", members=[resident, worker], bot_is_admin=True)
    return resident, worker, group


def send(chat, text="工单 G0102-0001", buttons=()) -> SendText:
    return SendText(PLATFORM, str(chat.id), text, buttons=buttons)


async def _delete(emu, chat, message_id: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(
        f"{emu.base_url}/bot{TOKEN}/deleteMessage",
        json={"chat_id": chat.id, "message_id": int(message_id)},
    ) as response:
        assert (await response.json())["ok"]


# ---- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize("timedelta_env", [False, True], ids=["int", "timedelta"])
async def test_429_is_retry_after_with_its_seconds(adapter, emu, people, monkeypatch,
                                                   timedelta_env):
    # PTB 22 gives retry_after as an int, or as a timedelta once PTB_TIMEDELTA is set.
    if timedelta_env:
        monkeypatch.setenv("PTB_TIMEDELTA", "1")
    _resident, _worker, group = people
    emu.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await adapter.transport.send_text(send(group), None)
    assert caught.value.seconds == 3
    sent = await adapter.transport.send_text(send(group), None)
    emu.fail_next("editMessageText", 429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await adapter.transport.edit_text(EditText(PLATFORM, str(group.id), "c", "改"), sent)
    assert caught.value.seconds == 7
    assert len(emu.bot_messages(group)) == 1


async def test_403_blocked_or_never_started_is_undeliverable(adapter, emu, people):
    resident, _worker, _group = people
    stranger = emu.add_user("路人", started=False)  # never pressed Start
    await emu.block_bot(resident)
    for user in (resident, stranger):
        with pytest.raises(Undeliverable, match=r"(?i)blocked|initiate"):
            await adapter.transport.send_text(send(emu.private_chat(user)), None)
    assert emu.bot_messages(resident) == emu.bot_messages(stranger) == []


@pytest.mark.parametrize("status", [500, 502])
async def test_5xx_is_transient(adapter, emu, people, status):
    _resident, _worker, group = people
    emu.fail_next("sendMessage", status)
    with pytest.raises(TransientError):
        await adapter.transport.send_text(send(group), None)
    await adapter.transport.send_text(send(group), None)  # the retry goes through
    assert len(emu.bot_messages(group)) == 1


async def test_connection_refused_is_transient(adapter, emu, people):
    _resident, _worker, group = people
    await emu.stop()  # nothing listens on the port any more
    with pytest.raises(TransientError):
        await adapter.transport.send_text(send(group), None)


async def test_unchanged_edit_is_not_an_error(adapter, emu, people):
    _resident, _worker, group = people
    message_id = await adapter.transport.send_text(send(group, buttons=CARD_BUTTONS), None)
    same = EditText(PLATFORM, str(group.id), "card:1", "工单 G0102-0001", CARD_BUTTONS)
    await adapter.transport.edit_text(same, message_id)  # Telegram: "message is not modified"
    assert len(emu.calls("editMessageText")) == 1
    assert emu.bot_messages(group)[-1]["edits"] == 0


async def test_edit_of_a_deleted_or_foreign_message_is_message_gone(adapter, emu, people):
    resident, _worker, group = people
    message_id = await adapter.transport.send_text(send(group), None)
    await _delete(emu, group, message_id)
    edit = EditText(PLATFORM, str(group.id), "card:1", "已接单")
    with pytest.raises(MessageGone, match=r"(?i)message to edit not found"):
        await adapter.transport.edit_text(edit, message_id)
    theirs = await emu.send_text(resident, group, "3号楼楼道灯不亮")
    with pytest.raises(MessageGone, match=r"(?i)message can't be edited"):
        await adapter.transport.edit_text(edit, str(theirs["message_id"]))


async def test_other_bad_requests_are_permanent_not_gone(adapter):
    with pytest.raises(PermanentError, match=r"(?i)chat not found") as caught:
        await adapter.transport.send_text(SendText(PLATFORM, "-42", "x"), None)
    assert not isinstance(caught.value, MessageGone)


# ---- delivery details -------------------------------------------------------------------
async def test_reply_to_a_vanished_message_is_still_sent(adapter, emu, people):
    _resident, _worker, group = people
    first = await adapter.transport.send_text(send(group), None)
    reply = await adapter.transport.send_text(send(group, "回复"), first)
    assert emu.bot_messages(group)[-1]["reply_to_message"]["message_id"] == int(first)
    await _delete(emu, group, reply)
    await _delete(emu, group, first)
    await adapter.transport.send_text(send(group, "仍然送达"), first)
    assert emu.bot_messages(group)[-1]["text"] == "仍然送达"
    assert "reply_to_message" not in emu.bot_messages(group)[-1]


async def test_long_button_answer_is_cut_to_200_and_delivered(adapter, emu, people):
    resident, _worker, group = people
    message_id = await adapter.transport.send_text(send(group, buttons=CARD_BUTTONS), None)
    query_id = await emu.press_button(resident, int(message_id), "tk:take:1", chat=group)
    [press] = await adapter.events()
    assert isinstance(press, ButtonPress)
    assert (press.callback_id, press.data, press.message_id) == (query_id, "tk:take:1",
                                                                  message_id)
    assert (press.chat_id, press.chat_kind, press.user.id) == (str(group.id), "group",
                                                               str(resident.id))
    text = "只有本网格的网格员可以接单。" * 30  # 420 characters
    await adapter.transport.answer_button(AnswerButton(PLATFORM, query_id, text, alert=True))
    assert emu.callback_answer(query_id) == {"text": text[:200], "show_alert": True}


async def test_download_file_returns_the_exact_bytes(adapter, emu, people):
    resident, _worker, group = people
    original = jpeg(size=(800, 600))
    sent = await emu.send_photo(resident, group, original)
    assert await adapter.transport.download_file(sent["photo"][-1]["file_id"]) == original


# ---- translation ------------------------------------------------------------------------
async def test_largest_photo_size_is_the_photo_ref(adapter, emu, people):
    resident, _worker, group = people
    await emu.send_photo(resident, group, jpeg(size=(1600, 900)), caption="井盖破损")
    [event] = await adapter.events()
    largest = max(emu.messages(group)[-1]["photo"], key=lambda p: p["width"] * p["height"])
    assert isinstance(event, MessageIn) and event.text == "井盖破损"
    [photo] = event.photos
    assert (photo.file_id, photo.width, photo.height) == (largest["file_id"], 1280, 720)


async def test_largest_photo_size_wins_in_any_order(adapter, emu, people):
    resident, _worker, group = people
    sizes = (await emu.send_photo(resident, group, jpeg(size=(1600, 900))))["photo"]
    await adapter.fetch()  # drop the update as sent; replay it with the sizes shuffled
    shuffled = sizes[::-1]
    random.Random(7).shuffle(shuffled)
    update = {"update_id": 5, "message": {**emu.messages(group)[-1], "photo": shuffled}}
    update["message"].pop("edits")
    emu.inject_raw_update(update)
    event = (await adapter.events())[-1]
    assert event.photos[0].file_id == sizes[-1]["file_id"] and event.photos[0].width == 1280


async def test_an_image_sent_as_a_file_becomes_a_photo(adapter, emu, people):
    resident, _worker, group = people
    image = await emu.send_document(resident, group, jpeg(), "IMG_0001.jpg", caption="带定位原图",
                                    mime_type="image/jpeg")
    await emu.send_document(resident, group, b"%PDF-1.4", "通知.pdf", mime_type="application/pdf")
    as_photo, as_file = await adapter.events()
    document = image["document"]
    assert [(p.file_id, p.file_unique_id) for p in as_photo.photos] == [
        (document["file_id"], document["file_unique_id"])]
    assert as_photo.text == "带定位原图"
    assert as_file.photos == ()


async def test_message_fields_and_what_is_ignored(adapter, emu, people):
    resident, _worker, group = people
    bot_message = await adapter.transport.send_text(send(group), None)
    await emu.send_text(resident, group, "/report 路灯不亮", reply_to=int(bot_message))
    await emu.send_location(resident, emu.private_chat(resident), lat=40.57, lon=120.45)
    other_bot = emu.add_user("OtherBot", is_bot=True)
    emu.add_member(group, other_bot)
    await emu.send_text(other_bot, group, "/report 机器人")
    emu.inject_raw_update({"channel_post": {
        "message_id": 1, "date": 1_790_000_000, "text": "频道公告",
        "chat": {"id": -1001999, "type": "channel", "title": "街道频道"}}})
    await emu.edit_text(resident, emu.messages(group)[-2], "/report 路灯不亮了")
    updates = await adapter.fetch()
    report, location, *ignored = [adapter.translate(u) for u in updates]
    assert ignored == [None, None, None], "bots, channel posts and edits are not events"
    assert report.update_key == f"{emu.bot_user['id']}:{updates[0].update_id}"
    assert (report.chat_kind, report.chat_title, report.reply_to_message_id) == (
        "group", "四海二网格群", bot_message)
    assert (report.user.id, report.user.name, report.user.language) == (
        str(resident.id), "王阿姨", "zh-hans")
    assert location.chat_kind == "private" and location.chat_id == str(resident.id)
    assert (location.location.lat, location.location.lon) == (40.57, 120.45)
