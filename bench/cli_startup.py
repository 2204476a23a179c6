"""How fast `gridbot --help` answers, beside what Python itself costs, measured in one run.

    .venv/bin/python -m bench.cli_startup [ROUNDS]

Three commands, interleaved round by round so that a noisy neighbour hits all of them alike:
- `python -c pass`: the interpreter's own start, the floor nobody can go under;
- `gridbot --help`: our CLI, which imports the runtimes only inside the commands that use them;
- `python -c "import aiogram, telegram, fastapi, uvicorn, apscheduler, sqlmodel, alembic"`:
  what a CLI that imported every runtime at the top would pay before printing anything.
It prints the median wall time of each and the ratios, then the cumulative import time of
`bot.cli` from `python -X importtime`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
GRIDBOT = str(Path(PYTHON).parent / "gridbot")
EAGER = "import aiogram, telegram, fastapi, uvicorn, apscheduler, sqlmodel, alembic"
COMMANDS = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "gridbot --help": [GRIDBOT, "--help"],
    "every runtime imported": [PYTHON, "-c", EAGER],
}


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _import_time_of_cli() -> float:
    """Seconds, the cumulative figure of `bot.cli` in -X importtime's table."""
    result = subprocess.run([PYTHON, "-X", "importtime", "-c", "import bot.cli"],
                            capture_output=True, text=True, check=True)
    for line in result.stderr.splitlines():
        fields = [field.strip() for field in line.split("|")]
        if len(fields) == 3 and fields[2] == "bot.cli":
            return int(fields[1]) / 1e6
    raise RuntimeError("bot.cli is not in the -X importtime table")


def main(rounds: int) -> None:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, command in COMMANDS.items():
            times[name].append(_wall(command))
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, value in median.items():
        print(f"{name:>24}: {value * 1000:7.0f} ms (median of {rounds})")
    floor, ours = median["python -c pass"], median["gridbot --help"]
    eager = median["every runtime imported"]
    print(f"gridbot --help / python -c pass: {ours / floor:.1f}×; "
          f"gridbot --help / every runtime imported: {ours / eager:.2f}×")
    imports = statistics.median(_import_time_of_cli() for _ in range(rounds))
    print(f"import bot.cli (cumulative, -X importtime): {imports * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
