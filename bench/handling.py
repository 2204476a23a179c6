"""The handling alone: CPU per group report from the inbox to the card in the outbox.

    .venv/bin/python -m bench.handling [N] [--grids 1000] [--db sqlite,postgres] [--profile K]

No messenger, no emulator, no sender: N `/report` events from N new residents in N groups are
stored as one polling batch (handlers/inbox.py) and handled (handlers/bus.py) as the live
bot does, HANDLING_SLOTS at once. Prints the process CPU per report (the part of
bench/ingest's figure that is ours) and, with --profile K, cProfile's K functions with the
most own time and the share per package: where that CPU goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.ingest import _database
from bench.province import group_chat
from handlers import bus, inbox
from handlers.context import Config, Deps
from handlers.events import MessageIn, User
from models.clock import Clock
from models.db import make_engine, make_session_factory


def _events(n: int, grids: int, start: int) -> list[MessageIn]:
    return [MessageIn("telegram", f"h{start + i}", group_chat((start + i) * 7 % grids), "group",
                      User(str(6_000_000_000 + start + i), f"居民{i}", "zh-hans"),
                      str(10_000 + i), f"/report 第{i}号：3号楼门口垃圾堆满了")
            for i in range(n)]


async def _round(deps: Deps, events: list[MessageIn], profile: cProfile.Profile | None) -> float:
    cpu = time.process_time()
    if profile:
        profile.enable()
    stored = await inbox.store_batch(events, deps)
    await asyncio.gather(*bus.start_handling(stored, deps))
    if profile:
        profile.disable()
    return time.process_time() - cpu


def _by_package(stats: pstats.Stats) -> Counter:
    shares: Counter = Counter()
    for (file, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        if "-packages/" in file:
            shares[file.split("-packages/", 1)[1].split("/", 1)[0]] += own
        elif file.startswith(str(Path(__file__).resolve().parent.parent)):
            shares[Path(file).resolve().relative_to(Path(__file__).resolve().parent.parent)
                   .parts[0]] += own
        else:
            shares["(stdlib, built-ins)"] += own
    return shares


async def main(n: int, grids: int, kinds: list[str], top: int) -> None:
    for kind in kinds:
        with tempfile.TemporaryDirectory() as tmp:
            async with _database(kind, Path(tmp), grids) as url:
                engine = make_engine(url)
                deps = Deps(make_session_factory(engine), Clock(), Config())
                await _round(deps, _events(20, grids, 10**6), None)  # warm the caches
                cpu = [await _round(deps, _events(n, grids, r * n), None) for r in range(3)]
                cpu.sort()
                print(f"{kind}: {n} reports, handling CPU {cpu[1] / n * 1000:.2f} ms/report "
                      f"(median of 3)", flush=True)
                if top:
                    profile = cProfile.Profile(time.process_time)  # CPU, not waits
                    await _round(deps, _events(n, grids, 4 * n), profile)
                    stats = pstats.Stats(profile)
                    total = sum(v[2] for v in stats.stats.values())
                    for package, own in _by_package(stats).most_common(8):
                        print(f"    {package:<22} {own / total:6.1%}")
                    stats.sort_stats("tottime").print_stats(top)
                await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=300)
    parser.add_argument("--grids", type=int, default=1000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--profile", type=int, default=0, metavar="K")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.grids, args.db.split(","), args.profile))
