"""A TCP proxy the tests put between the bot and a server (PostgreSQL), to cut the line and
restore it while the bot runs: a network partition without touching the shared server.

    proxy = FaultProxy("127.0.0.1", 5432)
    port = await proxy.start()          # the bot's URL names 127.0.0.1:port
    proxy.cut()                         # every open connection reset, new ones refused
    proxy.restore()                     # connections work again (the bot must reconnect)

Cut, a new connection is accepted and reset at once (what a firewall's REJECT or a server
that went away looks like to the client: a fast error, not a hang). It runs on the caller's
event loop; `run_in_thread()` gives it a loop of its own, for a benchmark whose own loop is
busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

CHUNK = 64 * 1024


class FaultProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.up = True
        self.port = 0
        self.accepted = self.refused = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> int:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    def cut(self) -> None:
        """Reset every connection through the proxy and refuse new ones until restore()."""
        self._call(self._cut)

    def restore(self) -> None:
        self._call(self._restore)

    async def stop(self) -> None:
        self._cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def run_in_thread(self) -> int:
        """Start on a loop in a daemon thread; returns the port."""
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            loop.run_until_complete(self.start())
            ready.set()
            loop.run_forever()

        threading.Thread(target=serve, name="fault-proxy", daemon=True).start()
        ready.wait(10)
        return self.port

    def _call(self, fn) -> None:
        # cut()/restore() may come from another thread than the proxy's loop.
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if self._loop is None or running is self._loop:
            fn()
        else:
            self._loop.call_soon_threadsafe(fn)

    def _cut(self) -> None:
        self.up = False
        for writer in list(self._open):
            writer.transport.abort()  # RST, not FIN: the peer sees a reset connection
        self._open.clear()

    def _restore(self) -> None:
        self.up = True

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            self.refused += 1
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.accepted += 1
        self._open.update((writer, up_writer))
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self._open.difference_update((writer, up_writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(CHUNK):
                if not self.up:
                    break
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.transport.abort() if not self.up else writer.close()
