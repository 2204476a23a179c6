"""How the Telegram runtimes reach Telegram: the token and proxy checks, and the sentences an
operator reads when it fails. Messenger-neutral: no aiogram, no PTB here.

Everything is checked before any connection is made, so a typo is one sentence at once
instead of a traceback from deep inside an HTTP library.
"""

from __future__ import annotations

import errno
import re
from urllib.parse import urlsplit

from bot.errors import OperatorError
from bot.settings import Settings

# @BotFather's tokens are "<bot id>:<secret>"; aiogram and the Bot API accept exactly this shape.
_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h", "socks4")


class BadToken(OperatorError):
    """The token is malformed, or Telegram says it is not a bot's (401)."""


class BadProxy(OperatorError):
    """GRIDBOT_PROXY is not a proxy URL we can use."""


class TelegramUnreachable(OperatorError):
    """Telegram (or the Bot API server configured) did not answer within the start-up time."""


class TelegramRefused(OperatorError):
    """Telegram answered a call start-up needs with an error a retry cannot fix."""


def check_token(token: str) -> str:
    # The token itself is never echoed: it is a password.
    if not _TOKEN.fullmatch(token):
        raise BadToken(
            "GRIDBOT_BOT_TOKEN is not a bot token: it must look like 123456789:AAE-xyz "
            "(the digits of the bot id, a colon, then letters), exactly as @BotFather gave it "
            "/ 机器人令牌格式不对，请从 @BotFather 原样复制。"
        )
    return token


def check_proxy(proxy: str | None) -> str | None:
    """The proxy URL, normalised; None without one."""
    if proxy is None or not proxy.strip():
        return None
    proxy = proxy.strip()
    parts = urlsplit(proxy)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname or port is None:
        raise BadProxy(
            f"GRIDBOT_PROXY={_shown(proxy)!s} is not a proxy URL: write it as "
            "http://host:port or socks5://host:port (user:password@ before the host if needed) "
            "/ 代理地址格式不对。"
        )
    return proxy


def unauthorized(settings: Settings) -> BadToken:
    return BadToken(
        f"Telegram ({settings.telegram_api_url}) refused GRIDBOT_BOT_TOKEN (401 Unauthorized): "
        "the token is wrong or was revoked; copy the current one from @BotFather "
        "/ 机器人令牌无效，请从 @BotFather 重新复制。"
    )


def unreachable(settings: Settings, detail: str) -> TelegramUnreachable:
    via = f" through the proxy {_shown(settings.proxy)}" if settings.proxy else ""
    return TelegramUnreachable(
        f"Telegram is unreachable at {settings.telegram_api_url}{via} after "
        f"{settings.startup_timeout:g} s ({detail}); where api.telegram.org is blocked "
        "(e.g. mainland China) set GRIDBOT_PROXY=socks5://host:port or http://host:port, or run "
        "a self-hosted Bot API server and set GRIDBOT_TELEGRAM_API_URL "
        "/ 连不上 Telegram：请配置 GRIDBOT_PROXY 代理，或自建 Bot API 服务器并设置 "
        "GRIDBOT_TELEGRAM_API_URL。"
    )


def refused(settings: Settings, what: str, detail: str) -> TelegramRefused:
    return TelegramRefused(
        f"Telegram ({settings.telegram_api_url}) refused {what}: {detail} "
        f"/ Telegram 拒绝了 {what}。"
    )


def cannot_listen(host: str, port: int, exc: OSError) -> OperatorError:
    if exc.errno == errno.EADDRINUSE:
        return OperatorError(
            f"the webhook port {host}:{port} is already in use: stop the program that holds it "
            "or set another GRIDBOT_WEBHOOK_PORT / 端口已被占用，请换一个 GRIDBOT_WEBHOOK_PORT。"
        )
    return OperatorError(
        f"cannot listen on {host}:{port} for the webhook ({exc.strerror or exc}): check "
        "GRIDBOT_WEBHOOK_HOST and GRIDBOT_WEBHOOK_PORT / 无法监听该地址和端口。"
    )


def _shown(proxy: str | None) -> str:
    """The proxy URL without its password, for a log line or a sentence."""
    if not proxy:
        return ""
    parts = urlsplit(proxy)
    if parts.password is None:
        return proxy
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
