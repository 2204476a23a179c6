"""Getting updates: getUpdates long polling and webhook configuration.

Semantics follow the docs: ``offset`` confirms (drops) every update with a
smaller id, a negative offset keeps only the last ``-offset`` updates,
``timeout`` long-polls, a newer getUpdates terminates an older one with 409,
and getUpdates is refused with 409 while a webhook is set. Actual webhook
delivery is done by ``webhook.WebhookDeliverer``.
"""

from __future__ import annotations

import asyncio
import copy
import re

from .api import ApiError, WithDescription, api_method, bad_request
from .state import World

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
TERMINATED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def _confirm(world: World, offset: int | None) -> None:
    if not offset:
        return
    if offset > 0:
        world.updates[:] = [u for u in world.updates if u["update_id"] >= offset]
    else:
        world.updates[:] = world.updates[offset:]


def _remember_allowed(world: World, p: dict) -> None:
    allowed = p.get("allowed_updates")
    if allowed is not None:  # omitted means "keep the previous setting"
        world.allowed_updates = list(allowed)


@api_method("getUpdates")
async def get_updates(world: World, p: dict) -> list[dict]:
    if world.webhook is not None:
        raise ApiError(409, WEBHOOK_ACTIVE)
    limit = min(max(p.get("limit") or 100, 1), 100)
    timeout = max(p.get("timeout") or 0, 0)
    _remember_allowed(world, p)
    _confirm(world, p.get("offset"))
    world.poll_generation += 1
    mine = world.poll_generation
    world.notify()  # wake an older long poll so it can be terminated
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not world.updates and not world.closing:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        await world.wait_change(remaining)
        if world.poll_generation != mine:
            raise ApiError(409, TERMINATED)
        if world.webhook is not None:
            raise ApiError(409, "Conflict: terminated by setWebhook request")
    return copy.deepcopy(world.updates[:limit])


@api_method("setWebhook")
def set_webhook(world: World, p: dict) -> WithDescription:
    url = p.get("url") or ""
    if not url:  # documented: an empty url removes the webhook
        return delete_webhook(world, p)
    # Telegram demands HTTPS on ports 443/80/88/8443; tests run a plain local
    # receiver, so any http(s) URL is accepted here.
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret is not None and not _SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.get("drop_pending_updates"):
        world.updates.clear()
    _remember_allowed(world, p)
    same = world.webhook is not None and world.webhook["url"] == url
    world.webhook = {
        "url": url,
        "secret_token": secret,
        "max_connections": p.get("max_connections") or 40,
        "last_error_date": None,
        "last_error_message": None,
    }
    world.notify()  # wakes the deliverer and ends running long polls
    return WithDescription(True, "Webhook is already set" if same else "Webhook was set")


@api_method("deleteWebhook")
def delete_webhook(world: World, p: dict) -> WithDescription:
    if p.get("drop_pending_updates"):
        world.updates.clear()
    existed = world.webhook is not None
    world.webhook = None
    world.notify()
    return WithDescription(True, "Webhook was deleted" if existed else "Webhook is already deleted")


@api_method("getWebhookInfo")
def get_webhook_info(world: World, p: dict) -> dict:
    info = {"url": "", "has_custom_certificate": False, "pending_update_count": len(world.updates)}
    hook = world.webhook
    if hook is not None:
        info.update(url=hook["url"], max_connections=hook["max_connections"])
        if hook["last_error_date"]:
            info.update(
                last_error_date=hook["last_error_date"],
                last_error_message=hook["last_error_message"],
            )
        if world.allowed_updates is not None:
            info["allowed_updates"] = world.allowed_updates
    return info


@api_method("close")
def close(world: World, p: dict) -> bool:
    return True


@api_method("logOut")
def log_out(world: World, p: dict) -> bool:
    return True
