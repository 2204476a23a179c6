"""Self-check of the Bot API emulator against the two real client libraries.

If these pass, aiogram 3 and python-telegram-bot 22 can talk to the emulator
over HTTP exactly as they talk to api.telegram.org, so the Gridbot e2e tests
built on it exercise the real client code paths.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import socket

import aiohttp
import pytest
import pytest_asyncio
import telegram
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiohttp import web
from PIL import Image
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from tests.emulator import BotApiEmulator

TOKEN = "123456:TEST-token"
pytestmark = pytest.mark.e2e


def make_jpeg(width: int = 640, height: int = 480, color: tuple = (200, 80, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, "JPEG", quality=80)
    return buf.getvalue()


@pytest_asyncio.fixture
async def emu():
    emulator = BotApiEmulator(token=TOKEN, bot_username="gridbot_test_bot", bot_id=123456)
    await emulator.start()
    yield emulator
    await emulator.stop()
    assert not emulator.internal_errors, emulator.internal_errors


@pytest_asyncio.fixture
async def abot(emu):
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
    bot = Bot(TOKEN, session=session)
    yield bot
    await session.close()


@pytest_asyncio.fixture
async def ptb(emu):
    bot = telegram.Bot(
        TOKEN, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot"
    )
    await bot.initialize()
    yield bot
    await bot.shutdown()


@pytest.fixture
def people(emu):
    alice = emu.add_user("王阿姨", language_code="zh-hans", started=True)
    worker = emu.add_user("李网格员", username="li_worker", started=True)
    admin = emu.add_user("张书记", username="zhang_admin")
    group = emu.add_group(
        "四海社区3网格", members=[alice, worker], admins=[admin], bot_is_admin=True
    )
    return alice, worker, admin, group


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d) for t, d in pairs]]
    )


# ---- aiogram ---------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_aiogram_get_me_and_raw_http_envelopes(emu, abot):
    me = await abot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "gridbot_test_bot")
    assert (
        me.can_join_groups
        and me.can_read_all_group_messages
        and me.supports_inline_queries is False
    )
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emu.base_url}/botWRONG:token/getMe") as resp:
            assert resp.status == 401
            assert await resp.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with http.post(f"{emu.base_url}/bot{TOKEN}/noSuchMethod") as resp:
            assert resp.status == 404 and (await resp.json())["description"] == "Not Found"
        async with http.get(f"{emu.base_url}/bot{TOKEN}/GETME") as resp:  # case-insensitive
            assert (await resp.json())["result"]["id"] == 123456
        async with http.post(
            f"{emu.base_url}/bot{TOKEN}/sendMessage", json={"chat_id": 1, "text": "x"}
        ) as resp:
            assert resp.status == 400
            assert (await resp.json())["description"] == "Bad Request: chat not found"
    names = [name for name, _ in emu.requests]
    assert names == ["getMe", "getMe", "noSuchMethod", "getMe", "sendMessage"]


@pytest.mark.asyncio
async def test_aiogram_send_edit_and_callback(emu, abot, people):
    alice, _worker, _admin, group = people
    sent = await abot.send_message(
        group.id,
        "<b>工单 #1</b> 3号楼",
        parse_mode="HTML",
        reply_markup=keyboard(("受理", "take:1"), ("驳回", "reject:1")),
    )
    assert sent.chat.id == group.id and sent.from_user.id == 123456 and sent.text == "工单 #1 3号楼"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 5
    assert isinstance(sent.date, dt.datetime)
    stored = emu.bot_messages(group)[-1]
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "take:1"
    assert isinstance(stored["date"], int) and stored["edits"] == 0

    same_markup = keyboard(("受理", "take:1"), ("驳回", "reject:1"))
    edited = await abot.edit_message_text(
        "工单 #1 已受理", chat_id=group.id, message_id=sent.message_id, reply_markup=same_markup
    )
    assert edited.text == "工单 #1 已受理" and edited.edit_date is not None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await abot.edit_message_text(
            "工单 #1 已受理", chat_id=group.id, message_id=sent.message_id, reply_markup=same_markup
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await abot.edit_message_text("x", chat_id=group.id, message_id=999)
    assert emu.bot_messages(group)[-1]["edits"] == 1

    cq_id = await emu.press_button(alice, emu.bot_messages(group)[-1], "take:1")
    updates = await abot.get_updates(timeout=1)
    query = updates[-1].callback_query
    assert (query.id, query.data, query.from_user.id) == (cq_id, "take:1", alice.id)
    assert query.message.message_id == sent.message_id and query.message.text == "工单 #1 已受理"
    assert await abot.answer_callback_query(query.id, text="已受理", show_alert=True)
    assert emu.callback_answer(cq_id) == {"text": "已受理", "show_alert": True}
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await abot.answer_callback_query(query.id)
    with pytest.raises(AssertionError, match="no button"):
        await emu.press_button(alice, sent.message_id, "nope", chat=group)

    # Editing without reply_markup drops the keyboard, as on Telegram.
    await abot.edit_message_text("已完成", chat_id=group.id, message_id=sent.message_id)
    assert "reply_markup" not in emu.bot_messages(group)[-1]


@pytest.mark.asyncio
async def test_aiogram_user_messages_commands_replies(emu, abot, people):
    alice, worker, _admin, group = people
    report = await emu.send_text(alice, group, "3号楼楼道声控灯不亮")
    cmd = await emu.send_text(worker, group, "/take@gridbot_test_bot 1", reply_to=report)
    assert cmd["entities"] == [{"type": "bot_command", "offset": 0, "length": 22}]
    assert cmd["reply_to_message"]["message_id"] == report["message_id"]
    updates = await abot.get_updates()
    assert [u.message.text for u in updates] == ["3号楼楼道声控灯不亮", "/take@gridbot_test_bot 1"]
    assert updates[1].message.reply_to_message.from_user.id == alice.id
    assert updates[1].update_id == updates[0].update_id + 1
    reply = await abot.send_message(group.id, "收到", reply_to_message_id=report["message_id"])
    assert reply.reply_to_message.message_id == report["message_id"]
    loc = await emu.send_location(alice, group, lat=40.57, lon=120.45)
    assert loc["location"] == {"latitude": 40.57, "longitude": 120.45}


@pytest.mark.asyncio
async def test_aiogram_photo_upload_and_download(emu, abot, people):
    _alice, _worker, _admin, group = people
    jpeg = make_jpeg()
    msg = await abot.send_photo(
        group.id,
        BufferedInputFile(jpeg, "scene.jpg"),
        caption="现场照片",
        reply_markup=keyboard(("查看", "view:1")),
    )
    sizes = msg.photo
    assert len(sizes) >= 2 and msg.caption == "现场照片"
    assert [s.width for s in sizes] == sorted(s.width for s in sizes) and sizes[-1].width == 640
    assert len({s.file_size for s in sizes}) == len(sizes)
    file = await abot.get_file(sizes[-1].file_id)
    assert file.file_path and file.file_size == len(jpeg)
    downloaded = await abot.download(file)
    assert downloaded.read() == jpeg == emu.file_bytes(sizes[-1].file_id)
    again = await abot.send_photo(group.id, sizes[-1].file_id)  # re-send by file_id
    assert again.photo[-1].file_unique_id == sizes[-1].file_unique_id
    album = await emu.send_album(
        _alice, group, [make_jpeg(120, 90), make_jpeg(90, 120)], caption="两张"
    )
    assert album[0]["media_group_id"] == album[1]["media_group_id"]
    assert album[0]["caption"] == "两张" and "caption" not in album[1]


@pytest.mark.asyncio
async def test_aiogram_commands_per_language(emu, abot):
    await abot.set_my_commands(
        [BotCommand(command="report", description="上报问题")], language_code="zh"
    )
    await abot.set_my_commands([BotCommand(command="report", description="Report an issue")])
    zh = await abot.get_my_commands(language_code="zh")
    assert [(c.command, c.description) for c in zh] == [("report", "上报问题")]
    assert emu.commands()[0]["description"] == "Report an issue"
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await abot.set_my_commands([BotCommand(command="Report", description="x")])


@pytest.mark.asyncio
async def test_aiogram_injected_faults_and_forbidden(emu, abot, people):
    alice, _worker, admin, group = people
    emu.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as exc:
        await abot.send_message(group.id, "hi")
    assert exc.value.retry_after == 7
    assert emu.bot_messages(group) == []  # a failed call changes nothing
    assert (await abot.send_message(group.id, "hi")).text == "hi"

    emu.fail_next("sendMessage", 403, chat_id=alice)
    await abot.send_message(group.id, "other chat unaffected")
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await abot.send_message(alice.id, "hi")
    with pytest.raises(TelegramForbiddenError, match="initiate conversation"):
        await abot.send_message(admin.id, "never started")  # admin never pressed Start
    await emu.block_bot(alice)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await abot.send_message(alice.id, "hi")
    assert [n for n, _ in emu.requests].count("sendMessage") == 6


@pytest.mark.asyncio
async def test_aiogram_get_updates_offset_and_long_poll(emu, abot, people):
    alice, _worker, _admin, group = people
    await emu.send_text(alice, group, "第一条")
    first = await abot.get_updates()
    assert len(first) == 1
    assert await abot.get_updates(offset=first[-1].update_id + 1) == []  # confirmed, gone
    offset = first[-1].update_id + 1

    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await abot.get_updates(offset=offset, timeout=1) == []
    assert loop.time() - started >= 0.9  # really waited

    started = loop.time()
    poll = asyncio.create_task(abot.get_updates(offset=offset, timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    await emu.send_text(alice, group, "第二条")
    got = await asyncio.wait_for(poll, 3)
    assert [u.message.text for u in got] == ["第二条"] and loop.time() - started < 2

    emu.inject_raw_update(got[0].model_dump(mode="json", by_alias=True, exclude_none=True))
    dup = await abot.get_updates(offset=offset)
    assert [u.update_id for u in dup] == [got[0].update_id] * 2  # duplicate replayed verbatim


@pytest.mark.asyncio
async def test_aiogram_formatting_errors_and_privacy_mode(emu, abot, people):
    alice, _worker, _admin, group = people
    with pytest.raises(TelegramBadRequest, match=r"Character '\.' is reserved"):
        await abot.send_message(group.id, "1. 未转义", parse_mode="MarkdownV2")
    ok = await abot.send_message(group.id, "*已办结* 共 3 项\\.", parse_mode="MarkdownV2")
    assert ok.text == "已办结 共 3 项." and ok.entities[0].type == "bold"
    emu.privacy_mode, group.bot_is_admin = True, False
    await emu.send_text(alice, group, "闲聊")  # not for the bot: privacy mode hides it
    await emu.send_text(alice, group, "/report@gridbot_test_bot 漏水")
    assert [u.message.text for u in await abot.get_updates()] == ["/report@gridbot_test_bot 漏水"]
    assert len(emu.messages(group)) == 3  # ...but the chat history has everything


@pytest.mark.asyncio
async def test_aiogram_dispatcher_polling_roundtrip(emu, abot):
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("欢迎", reply_markup=keyboard(("上报问题", "report")))

    @dp.callback_query(F.data == "report")
    async def report(query: CallbackQuery) -> None:
        await query.answer("请描述问题")
        await query.message.edit_text("请描述问题：")

    polling = asyncio.create_task(dp.start_polling(abot, handle_signals=False, polling_timeout=5))
    try:
        alice = emu.add_user("王阿姨")
        chat = emu.private_chat(alice)
        await emu.send_text(alice, chat, "/start")
        await emu.wait_for(lambda: emu.bot_messages(chat))
        assert alice.started and emu.bot_messages(chat)[0]["text"] == "欢迎"
        cq_id = await emu.press_button(alice, emu.bot_messages(chat)[0], "report")
        await emu.wait_for(lambda: emu.bot_messages(chat)[0]["edits"] == 1)
        assert emu.callback_answer(cq_id) == {"text": "请描述问题", "show_alert": False}
    finally:
        await dp.stop_polling()
        await polling


# ---- python-telegram-bot ------------------------------------------------------------------
@pytest.mark.asyncio
async def test_ptb_messages_and_callback(emu, ptb, people):
    alice, *_ = people
    me = await ptb.get_me()
    assert me.id == 123456 and me.username == "gridbot_test_bot"
    markup = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("确认", callback_data="ok:7")]]
    )
    sent = await ptb.send_message(alice.id, "请确认", reply_markup=markup)
    assert (
        sent.chat.type == "private"
        and sent.reply_markup.inline_keyboard[0][0].callback_data == "ok:7"
    )
    cq_id = await emu.press_button(alice, sent.message_id, "ok:7")
    updates = await ptb.get_updates(timeout=1)
    assert updates[-1].callback_query.data == "ok:7" and updates[-1].callback_query.id == cq_id
    assert await ptb.answer_callback_query(cq_id, text="好的")
    assert emu.callback_answer(cq_id)["text"] == "好的"
    edited = await ptb.edit_message_text("已确认", chat_id=alice.id, message_id=sent.message_id)
    assert edited.text == "已确认" and edited.reply_markup is None
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):  # PTB capitalises
        await ptb.send_message(-42, "x")


@pytest.mark.asyncio
async def test_ptb_photo_roundtrip(emu, ptb, people):
    alice, *_ = people
    jpeg = make_jpeg(1600, 900)  # larger than 1280: Telegram downsizes the biggest size
    msg = await ptb.send_photo(alice.id, jpeg, caption="巡查")
    assert msg.photo[-1].width == 1280 and len(msg.photo) == 4
    file = await ptb.get_file(msg.photo[-1].file_id)
    data = await file.download_as_bytearray()
    assert bytes(data) == emu.file_bytes(msg.photo[-1].file_id)
    assert Image.open(io.BytesIO(bytes(data))).size == (1280, 720)


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_errors(emu, ptb, people):
    alice, *_ = people
    emu.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as exc:
        await ptb.send_message(alice.id, "x")
    retry = exc.value.retry_after  # int today, timedelta with PTB_TIMEDELTA=1
    assert (retry.total_seconds() if isinstance(retry, dt.timedelta) else retry) == 3
    emu.fail_next("sendMessage", 403)
    with pytest.raises(Forbidden):
        await ptb.send_message(alice.id, "x")
    assert emu.bot_messages(alice) == []


@pytest.mark.asyncio
async def test_ptb_poll_answer(emu, ptb, people):
    alice, worker, _admin, group = people
    msg = await ptb.send_poll(
        group.id, "周末集中清理楼道？", ["同意", "不同意"], is_anonymous=False
    )
    assert msg.poll.options[1].text == "不同意" and not msg.poll.is_closed
    await emu.answer_poll(worker, msg.poll.id, [1])
    updates = await ptb.get_updates()
    answer = next(u.poll_answer for u in updates if u.poll_answer)
    assert (
        answer.poll_id == msg.poll.id and answer.option_ids == (1,) and answer.user.id == worker.id
    )
    counts = next(u.poll for u in updates if u.poll)
    assert counts.total_voter_count == 1 and counts.options[1].voter_count == 1
    stopped = await ptb.stop_poll(group.id, msg.message_id)
    assert stopped.is_closed
    with pytest.raises(AssertionError, match="closed"):
        await emu.answer_poll(alice, msg.poll.id, [0])


@pytest.mark.asyncio
async def test_ptb_application_polling(emu):
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{emu.base_url}/bot")
        .base_file_url(f"{emu.base_url}/file/bot")
        .build()
    )

    async def start(update: telegram.Update, _context) -> None:
        await update.message.reply_html("<b>欢迎</b>使用网格通")

    async def location(update: telegram.Update, _context) -> None:
        await update.message.reply_text(f"位置 {update.message.location.latitude:.2f}")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.LOCATION, location))
    alice = emu.add_user("王阿姨")
    chat = emu.private_chat(alice)
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=5)
        try:
            await emu.send_text(alice, chat, "/start")
            await emu.send_location(alice, chat, lat=40.57, lon=120.45)
            await emu.wait_for(lambda: len(emu.bot_messages(chat)) == 2)
        finally:
            await app.updater.stop()
            await app.stop()
    first, second = emu.bot_messages(chat)
    assert first["text"] == "欢迎使用网格通" and first["entities"][0]["type"] == "bold"
    assert second["text"] == "位置 40.57"


# ---- webhook ------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_webhook_delivery_with_secret_and_retry(emu, abot, people):
    alice, _worker, _admin, group = people
    received: list[tuple[str | None, dict]] = []
    failures = [500]  # the first delivery fails once; the emulator must retry

    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        if failures:
            return web.Response(status=failures.pop())
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), body))
        if body.get("message", {}).get("text") == "ping":  # answer with a method in the response
            reply = {
                "method": "sendMessage",
                "chat_id": body["message"]["chat"]["id"],
                "text": "pong",
            }
            return web.json_response(reply)
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
        assert await abot.set_webhook(url, secret_token="s3cr3t-Token_1")
        info = await abot.get_webhook_info()
        assert info.url == url
        with pytest.raises(TelegramConflictError):
            await abot.get_updates()
        await emu.send_text(alice, group, "3号楼楼道声控灯不亮")
        await emu.send_text(alice, group, "ping")
        await emu.wait_for(lambda: len(received) == 2 and emu.bot_messages(group), timeout=5)
        assert received[0][0] == "s3cr3t-Token_1"
        assert received[0][1]["message"]["text"] == "3号楼楼道声控灯不亮"
        assert emu.bot_messages(group)[-1]["text"] == "pong"
        assert (await abot.get_webhook_info()).last_error_message.startswith("Wrong response")
        assert await abot.delete_webhook()
        assert await abot.get_updates() == []
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_wait_for_reports_helpfully(emu):
    with pytest.raises(AssertionError, match="wait_for timed out"):
        await emu.wait_for(lambda: False, timeout=0.05)
    raw = json.dumps({"ok": True})
    assert raw  # keep json import meaningful for ad-hoc debugging
