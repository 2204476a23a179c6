"""The aiogram 3 adapter: the default Telegram runtime."""
