"""A Telegram Bot API emulator for tests.

    emu = BotApiEmulator(token="123456:TEST-token", bot_username="gridbot_test_bot")
    await emu.start()                     # emu.base_url == "http://127.0.0.1:<port>"
    api = TelegramAPIServer.from_base(emu.base_url)
    bot = aiogram.Bot(token, session=AiohttpSession(api=api))
    # or: telegram.Bot(token, base_url=f"{emu.base_url}/bot",
    #                  base_file_url=f"{emu.base_url}/file/bot")
    alice = emu.add_user("王阿姨", started=True)
    await emu.send_text(alice, emu.private_chat(alice), "/start")
    await emu.wait_for(lambda: emu.bot_messages(alice))
    await emu.stop()

Modules: ``emulator`` (the facade), ``client*`` (user actions), ``server``
(HTTP), ``methods*`` (Bot API methods), ``state``/``records`` (the world).
"""

from .emulator import BotApiEmulator
from .state import FakeChat, FakeUser

__all__ = ["BotApiEmulator", "FakeChat", "FakeUser"]
