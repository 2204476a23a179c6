"""The embedded default messenger: a local WeChat-style group chat in the browser.

It is the third adapter beside aiogram and python-telegram-bot, and it reaches the same
handlers through the same inbound events and outbound actions.
"""

PLATFORM = "webchat"
BOT_ID = "bot"
