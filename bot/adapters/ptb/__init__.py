"""The python-telegram-bot 22 adapter: the alternative Telegram runtime."""
