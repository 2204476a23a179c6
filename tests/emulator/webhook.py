"""Webhook delivery: POST each pending update, in order, to the bot's URL.

Like Telegram: one JSON update per request, the secret in
``X-Telegram-Bot-Api-Secret-Token``, retries on non-2xx (a few quick ones here
so tests stay fast; after that the update is dropped and the error shows up
in getWebhookInfo), and a method call in the 2xx response body is executed.
"""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
from aiohttp import MultipartReader

from .api import now
from .params import finalize, read_multipart
from .server import dispatch
from .state import World

log = logging.getLogger("tests.emulator")


class WebhookDeliverer:
    def __init__(
        self, world: World, attempts: int = 4, backoff: float = 0.05, timeout: float = 30.0
    ):
        self.world, self.attempts, self.backoff, self.timeout = world, attempts, backoff, timeout

    async def run(self) -> None:
        world = self.world
        async with aiohttp.ClientSession() as session:
            while not world.closing:
                hook = world.webhook
                if hook is None or not world.updates:
                    await world.wait_change(None)
                    continue
                update = world.updates[0]
                if await self._deliver(session, hook, update):
                    world.updates[:] = [u for u in world.updates if u is not update]

    async def _deliver(self, session: aiohttp.ClientSession, hook: dict, update: dict) -> bool:
        """True when the update is done with (delivered, or given up on)."""
        headers = {"Content-Type": "application/json"}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        body = json.dumps(update, ensure_ascii=False).encode()
        for attempt in range(self.attempts):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            if self.world.webhook is not hook or self.world.closing:
                return False  # webhook changed meanwhile: keep the update for the new consumer
            try:
                async with session.post(
                    hook["url"],
                    data=body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.timeout),
                ) as resp:
                    if 200 <= resp.status < 300:
                        await self._run_reply(resp)
                        return True
                    error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                error = f"Connection failed: {type(exc).__name__}: {exc}"
            hook["last_error_date"], hook["last_error_message"] = now(), error
            log.warning("webhook delivery of update %s failed: %s", update.get("update_id"), error)
        return True

    async def _run_reply(self, resp: aiohttp.ClientResponse) -> None:
        """A webhook may answer with one Bot API call (JSON or multipart)."""
        try:
            if resp.content_type == "application/json":
                raw = await resp.json()
            elif resp.content_type.startswith("multipart/"):
                raw = await read_multipart(MultipartReader(resp.headers, resp.content))
            else:
                return
        except (ValueError, aiohttp.ClientError):
            return
        if not isinstance(raw, dict) or not raw.get("method"):
            return
        method = raw.pop("method")
        try:
            params = finalize(raw)
        except Exception:  # noqa: BLE001 - an unparsable response is dropped
            return
        # The result is not reported back to the bot, exactly as on Telegram.
        await dispatch(self.world, self.world.token, str(method), params)
