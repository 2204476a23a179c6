"""Run the installed `gridbot` command as a separate process, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GRIDBOT = str(Path(sys.executable).with_name("gridbot"))


def gridbot_env(cwd: Path, **env: str) -> dict[str, str]:
    """The parent's environment minus every GRIDBOT_* (a developer's own settings), plus `env`.

    Run in `cwd` so that no developer's .env is read either.
    """
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GRIDBOT_")}
    return {**clean, "GRIDBOT_DATABASE_URL": f"sqlite+aiosqlite:///{cwd}/gridbot.db",
            "PYTHONUNBUFFERED": "1",
            # A handful of invented people send every report in these tests: no flood cap
            # (tests/unit/test_flood_cap.py tests it; a test may set it again in `env`).
            "GRIDBOT_REPORT_CAP_PER_HOUR": "0", **env}


def gridbot(cwd: Path, *args: str, timeout: float = 120, **env: str):
    return subprocess.run([GRIDBOT, *args], cwd=cwd, env=gridbot_env(cwd, **env),
                          capture_output=True, text=True, timeout=timeout, check=False)


def spawn(cwd: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([GRIDBOT, *args], cwd=cwd, env=gridbot_env(cwd, **env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
