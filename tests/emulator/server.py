"""The HTTP face of the emulator: the same URLs api.telegram.org serves.

``/bot<token>/<method>`` (GET or POST, method name case-insensitive) and
``/file/bot<token>/<file_path>``. Every call is logged, checked against
injected faults, then dispatched; answers use the official envelope.
"""

from __future__ import annotations

import inspect
import json
import logging
import traceback
from typing import Any

from aiohttp import web

# Importing the method modules registers their implementations.
from . import methods, methods_chat, methods_media, methods_poll, methods_updates  # noqa: F401
from .api import METHODS, ApiError, WithDescription
from .params import read_request
from .state import World

log = logging.getLogger("tests.emulator")
WORLD_KEY = web.AppKey("world", World)


def _json(status: int, body: dict) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


async def dispatch(world: World, token: str, name: str, params: dict[str, Any]) -> tuple[int, dict]:
    """Run one Bot API call as Telegram would; returns (HTTP status, JSON body)."""
    entry = METHODS.get(name.lower())
    world.requests.append((entry[0] if entry else name, params))
    if token != world.token:
        return 401, ApiError(401, "Unauthorized").envelope()
    if entry is None:
        return 404, ApiError(404, "Not Found").envelope()
    official, impl = entry
    fault = world.take_fault(official, params)
    if fault is not None:  # injected failure: the method does not run at all
        return fault.status, fault.envelope()
    try:
        result = impl(world, params)
        if inspect.isawaitable(result):
            result = await result
    except ApiError as err:
        return err.status, err.envelope()
    except Exception:  # noqa: BLE001 - report bugs as a 500, like a server
        trace = traceback.format_exc()
        world.internal_errors.append(trace)
        log.error("emulator failure in %s:\n%s", official, trace)
        return 500, ApiError(
            500, "Internal Server Error: emulator failure (see emu.internal_errors)"
        ).envelope()
    if isinstance(result, WithDescription):
        return 200, {"ok": True, "result": result.value, "description": result.description}
    return 200, {"ok": True, "result": result}


async def _api(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    token, name = request.match_info["token"], request.match_info["method"]
    try:
        params = await read_request(request)
    except ApiError as err:
        world.requests.append((name, {}))
        return _json(err.status, err.envelope())
    status, body = await dispatch(world, token, name, params)
    return _json(status, body)


async def _file(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    if request.match_info["token"] != world.token:
        return _json(401, ApiError(401, "Unauthorized").envelope())
    rec = world.files_by_path.get(request.match_info["path"])
    if rec is None:
        return _json(404, ApiError(404, "Not Found").envelope())
    ctype = "image/jpeg" if rec.file_path.endswith(".jpg") else "application/octet-stream"
    return web.Response(body=rec.data, content_type=ctype)


def build_app(world: World) -> web.Application:
    # Telegram accepts uploads up to 50 MB; aiohttp's default body limit is 1 MB.
    app = web.Application(client_max_size=60 * 1024 * 1024)
    app[WORLD_KEY] = world
    app.router.add_route("*", "/bot{token}/{method}", _api)
    app.router.add_get("/file/bot{token}/{path:.+}", _file)
    return app
