"""N `gridbot run` processes in webhook mode on one PostgreSQL and one Redis, as an operator
runs them (deploy/systemd/gridbot@.service: one process per local port behind nginx)."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.harness import TOKEN
from tests.support.process import GRIDBOT, gridbot_env

SECRET = "workers-s3cret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Worker:
    runtime: str
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram/webhook"

    def logged(self, event: str) -> bool:
        return self.log.exists() and event in self.log.read_text(encoding="utf-8")

    def start(self, cwd: Path, env: dict[str, str]) -> None:
        with self.log.open("a", encoding="utf-8") as sink:
            self.process = subprocess.Popen(
                [GRIDBOT, "run"], cwd=cwd, stdout=subprocess.DEVNULL, stderr=sink,
                env=gridbot_env(cwd, GRIDBOT_RUNTIME=self.runtime,
                                GRIDBOT_WEBHOOK_PORT=str(self.port), **env))

    async def kill(self) -> None:
        """kill -9: no ordered stop, no lease released, claimed rows left 'sending'."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            await asyncio.to_thread(self.process.wait, 30)

    async def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                await asyncio.to_thread(self.process.wait, 20)
            except subprocess.TimeoutExpired:
                await self.kill()


def workers_for(tmp_path: Path, runtimes: list[str]) -> list[Worker]:
    return [Worker(runtime, free_port(), tmp_path / f"worker-{i}.log")
            for i, runtime in enumerate(runtimes)]


def shared_env(database_url: str, redis_url: str, api_url: str, public_url: str,
               media: Path) -> dict[str, str]:
    """What every worker shares: the database, Redis, the photo folder, the public URL."""
    return {"GRIDBOT_DATABASE_URL": database_url, "GRIDBOT_REDIS_URL": redis_url,
            "GRIDBOT_BOT_TOKEN": TOKEN, "GRIDBOT_TELEGRAM_API_URL": api_url,
            "GRIDBOT_WEBHOOK_URL": public_url, "GRIDBOT_WEBHOOK_SECRET": SECRET,
            "GRIDBOT_MEDIA_DIR": str(media), "GRIDBOT_DUPLICATE_WINDOW_HOURS": "0",
            # A dead worker's rows and lease are taken over in seconds, not a minute.
            "GRIDBOT_TAKEOVER_SECONDS": "4"}


async def until(predicate, what: str, seconds: float = 60, workers=()) -> None:
    """Wait for `predicate` (sync or async); fail early, with the log, if a worker died."""
    for _ in range(int(seconds / 0.1)):
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        for worker in workers:
            if worker.process is not None and worker.process.poll() is not None:
                tail = worker.log.read_text(encoding="utf-8")[-3000:]
                raise AssertionError(f"worker on {worker.port} exited while waiting for "
                                     f"{what}:\n{tail}")
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")
