"""The start-up retry rules (bot/adapters/startup.py) and how each runtime's errors read."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetMe
from telegram import error as tg

from bot.adapters import reaching
from bot.adapters.aiogram.transport import classify as aiogram_classify
from bot.adapters.ptb.transport import classify as ptb_classify
from bot.adapters.startup import Cosmetic, Failure, required
from bot.settings import Settings


class Flaky(Exception):
    pass


def _classify(exc: BaseException) -> Failure | None:
    return getattr(exc, "failure", None)


def _raising(*failures: Failure):
    """A call that fails with these, in turn, then answers "ok"; counts its calls."""
    calls = []

    async def call():
        calls.append(time.monotonic())
        if len(calls) <= len(failures):
            exc = Flaky()
            exc.failure = failures[len(calls) - 1]
            raise exc
        return "ok"

    return call, calls


def _settings(timeout: float = 5) -> Settings:
    return Settings(_env_file=None, telegram_api_url="http://tg.example", startup_timeout=timeout)


async def test_transient_failures_are_retried_and_retry_after_is_kept():
    call, calls = _raising(Failure("transient", "502"), Failure("transient", "429", wait=0.6))
    assert await required("getMe", call, _classify, _settings()) == "ok"
    assert len(calls) == 3
    assert calls[2] - calls[1] >= 0.6, "never sooner than Telegram's retry_after"


async def test_unreachable_after_the_startup_timeout_is_one_sentence():
    call, calls = _raising(*[Failure("transient", "connection refused")] * 100)
    started = time.monotonic()
    with pytest.raises(reaching.TelegramUnreachable, match=r"http://tg\.example") as raised:
        await required("getMe", call, _classify, _settings(timeout=1.5))
    assert time.monotonic() - started < 3 and len(calls) >= 2
    assert "GRIDBOT_PROXY" in str(raised.value) and raised.value.__cause__ is None


@pytest.mark.parametrize(("failure", "error"), [
    (Failure("unauthorized", "Unauthorized"), reaching.BadToken),
    (Failure("refused", "Bad Request: bad webhook: HTTPS url must be provided"),
     reaching.TelegramRefused),
])
async def test_401_and_400_are_not_retried(failure, error):
    call, calls = _raising(failure)
    with pytest.raises(error):
        await required("setWebhook", call, _classify, _settings())
    assert len(calls) == 1


async def test_an_unknown_exception_is_a_bug_and_not_hidden():
    async def call():
        raise KeyError("bug")

    with pytest.raises(KeyError):
        await required("getMe", call, _classify, _settings())


async def test_cosmetic_call_retries_in_background_and_close_cancels_it():
    call, calls = _raising(*[Failure("transient", "500")] * 1000)
    cosmetic = Cosmetic(_classify, max_wait=0.05)
    task = cosmetic.start("setMyCommands", call)
    await asyncio.sleep(0.5)
    assert len(calls) >= 3 and not task.done()
    await cosmetic.close()
    assert task.cancelled() and not cosmetic.tasks


async def test_cosmetic_call_refused_is_given_up_at_once():
    call, calls = _raising(Failure("refused", "method not supported"))
    assert await Cosmetic(_classify).start("setMyCommands", call) is False
    assert len(calls) == 1


def test_aiogram_errors_read_for_startup():
    method = GetMe()
    assert aiogram_classify(TelegramRetryAfter(method, "flood", 7)).wait == 7
    assert aiogram_classify(TelegramNetworkError(method, "Request timeout error")).kind == \
        "transient"
    assert aiogram_classify(TelegramServerError(method, "Bad Gateway")).kind == "transient"
    assert aiogram_classify(TelegramUnauthorizedError(method, "Unauthorized")).kind == \
        "unauthorized"
    assert aiogram_classify(TelegramBadRequest(method, "method not supported")).kind == "refused"
    assert aiogram_classify(ConnectionRefusedError()).kind == "transient"
    assert aiogram_classify(ValueError()) is None


def test_ptb_errors_read_for_startup():
    assert ptb_classify(tg.RetryAfter(5)).wait == 5
    assert ptb_classify(tg.TimedOut()).kind == "transient"
    assert ptb_classify(tg.NetworkError("Bad Gateway")).kind == "transient"
    assert ptb_classify(tg.InvalidToken("Unauthorized")).kind == "unauthorized"
    assert ptb_classify(tg.BadRequest("Method not supported")).kind == "refused"
    assert ptb_classify(ValueError()) is None


@pytest.mark.parametrize("url", ["socks5://127.0.0.1", "ftp://proxy:21", "127.0.0.1:1080",
                                 "http://:8080", "http://proxy:port"])
def test_bad_proxy_urls(url):
    with pytest.raises(reaching.BadProxy, match="GRIDBOT_PROXY="):
        reaching.check_proxy(url)


def test_good_proxy_urls_and_the_password_is_never_shown():
    assert reaching.check_proxy(" socks5://u:p@10.0.0.1:1080 ") == "socks5://u:p@10.0.0.1:1080"
    assert reaching.check_proxy("") is None
    with pytest.raises(reaching.BadProxy) as raised:
        reaching.check_proxy("gopher://u:s3cret@host:70")
    assert "s3cret" not in str(raised.value)


@pytest.mark.parametrize("token", ["123456", "abc:def", "123456:has space", " 123:x"])
def test_malformed_tokens(token):
    with pytest.raises(reaching.BadToken):
        reaching.check_token(token)
