"""A small forward proxy for the tests, on 127.0.0.1: HTTP (absolute-form requests and
CONNECT tunnels) and SOCKS5 (no auth, CONNECT), in plain asyncio. It counts what passes, and
it alone resolves the names in `hosts`: a bot that reaches such a name went through it."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import struct
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class ForwardProxy:
    hosts: dict[str, str]  # a name only this proxy knows -> the address it stands for
    tunnels: list[str] = field(default_factory=list)  # "host:port" of each CONNECT / SOCKS5
    requests: list[str] = field(default_factory=list)  # each absolute-form request line
    _servers: list[asyncio.AbstractServer] = field(default_factory=list)

    async def start(self) -> tuple[str, str]:
        """(http://127.0.0.1:P, socks5://127.0.0.1:Q)"""
        http = await asyncio.start_server(self._http, "127.0.0.1", 0)
        socks = await asyncio.start_server(self._socks5, "127.0.0.1", 0)
        self._servers = [http, socks]
        return (f"http://127.0.0.1:{http.sockets[0].getsockname()[1]}",
                f"socks5://127.0.0.1:{socks.sockets[0].getsockname()[1]}")

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
            await server.wait_closed()

    async def _open(self, host: str, port: int):
        return await asyncio.open_connection(self.hosts.get(host, host), port)

    async def _http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, version = head.split(b"\r\n", 1)[0].decode().split(" ")
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                self.tunnels.append(target)
                up_reader, up_writer = await self._open(host, int(port))
                writer.write(f"{version} 200 Connection established\r\n\r\n".encode())
                await _pipe_both(reader, writer, up_reader, up_writer)
                return
            url = urlsplit(target)  # absolute-form: every request names its host
            up_reader, up_writer = await self._open(url.hostname, url.port or 80)
            back = asyncio.create_task(_pipe(up_reader, writer))
            try:
                while head:
                    await self._forward(head, reader, up_writer)
                    head = await reader.readuntil(b"\r\n\r\n")
            finally:
                up_writer.close()
                await asyncio.gather(back, return_exceptions=True)
        writer.close()

    async def _forward(self, head: bytes, reader, up_writer) -> None:
        line, rest = head.split(b"\r\n", 1)
        method, target, version = line.decode().split(" ")
        self.requests.append(f"{method} {target}")
        url = urlsplit(target)
        origin = (url.path or "/") + (f"?{url.query}" if url.query else "")
        up_writer.write(f"{method} {origin} {version}\r\n".encode() + rest)
        length = next((int(h.split(b":", 1)[1]) for h in rest.split(b"\r\n")
                       if h.lower().startswith(b"content-length:")), 0)
        if length:
            up_writer.write(await reader.readexactly(length))
        await up_writer.drain()

    async def _socks5(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            _version, methods = await reader.readexactly(2)
            await reader.readexactly(methods)
            writer.write(b"\x05\x00")  # no authentication
            _version, _command, _reserved, kind = await reader.readexactly(4)
            if kind == 1:
                host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
            elif kind == 4:
                host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
            else:
                host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
            (port,) = struct.unpack("!H", await reader.readexactly(2))
            self.tunnels.append(f"{host}:{port}")
            up_reader, up_writer = await self._open(host, port)
            writer.write(b"\x05\x00\x00\x01" + bytes(4) + bytes(2))
            await _pipe_both(reader, writer, up_reader, up_writer)
        writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    with contextlib.suppress(ConnectionError, OSError):
        writer.close()


async def _pipe_both(reader, writer, up_reader, up_writer) -> None:
    await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
