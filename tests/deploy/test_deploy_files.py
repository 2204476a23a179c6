"""The files in deploy/ are checked by the tools that will read them, where those are here.

nginx (`nginx -t`, with a self-signed certificate made here), systemd (`systemd-analyze
verify`) and Docker Compose (`docker-compose config`, Debian bookworm's, which validates
against the compose-spec schema) are installed by .ci/run; elsewhere a missing tool skips its
check and says so. Each check is also shown a broken copy, so a pass means the tool really
read the file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (.ci/run installs it with apt-get)")
    return found


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=60)


# -- Docker Compose ---------------------------------------------------------------------------

def _compose_copy(tmp_path: Path, text: str | None = None) -> Path:
    folder = tmp_path / "deploy"
    shutil.copytree(DEPLOY, folder)
    shutil.copy(folder / "gridbot.env.example", folder / "gridbot.env")
    if text is not None:
        (folder / "compose.yaml").write_text(text)
    return folder


def test_compose_file_is_valid(tmp_path):
    compose = _tool("docker-compose")
    folder = _compose_copy(tmp_path)
    good = _run(compose, "-f", "compose.yaml", "config", "-q", cwd=folder)
    assert good.returncode == 0, good.stderr
    broken = (DEPLOY / "compose.yaml").read_text().replace("stop_grace_period", "stop_grace")
    bad = _run(compose, "-f", "compose.yaml", "config", "-q",
               cwd=_compose_copy(tmp_path / "bad", broken))
    assert bad.returncode != 0 and "stop_grace" in bad.stderr


def test_nginx_upstream_names_the_compose_workers():
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    upstream = (DEPLOY / "nginx" / "upstream-compose.conf").read_text()
    named = re.findall(r"server\s+([\w-]+):(\d+);", upstream)
    workers = {name for name, spec in services.items() if spec.get("command") is None
               and spec.get("image") == "gridbot:latest"}
    assert {name for name, _port in named} == workers == {"bot-1", "bot-2"}
    for name, port in named:
        env = services[name]["environment"]
        assert env["GRIDBOT_WEBHOOK_PORT"] == port and env["GRIDBOT_WEBHOOK_HOST"] == "0.0.0.0"
        # One database, one Redis, one photo folder for all workers.
        assert env["GRIDBOT_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["GRIDBOT_REDIS_URL"].startswith("redis://redis:")
        assert "media:/srv/gridbot/media" in services[name]["volumes"]


def test_env_example_names_only_real_settings():
    from bot.settings import Settings

    names = re.findall(r"^#?(GRIDBOT_\w+)=", (DEPLOY / "gridbot.env.example").read_text(), re.M)
    known = {f"GRIDBOT_{field.upper()}" for field in Settings.model_fields}
    assert "GRIDBOT_WEBHOOK_SECRET" in names
    assert set(names) <= known, set(names) - known


# -- nginx ------------------------------------------------------------------------------------

def _nginx_prefix(tmp_path: Path, upstream: str, snippet: str) -> Path:
    prefix = tmp_path / "nginx"
    (prefix / "tls").mkdir(parents=True)
    made = _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=bot.example.org", "-keyout", str(prefix / "tls/privkey.pem"),
                "-out", str(prefix / "tls/fullchain.pem"))
    assert made.returncode == 0, made.stderr
    (prefix / "upstream.conf").write_text(upstream)
    (prefix / "gridbot-webhook.conf").write_text(snippet)
    (prefix / "nginx.conf").write_text(
        f"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\nevents {{}}\n"
        "http {\n    include upstream.conf;\n    include gridbot-webhook.conf;\n}\n")
    return prefix


def _nginx_test(prefix: Path) -> subprocess.CompletedProcess:
    return _run(NGINX, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                "-e", str(prefix / "error.log"))


@pytest.mark.parametrize("upstream", ["upstream-local.conf", "upstream-compose.conf"])
def test_nginx_snippet_passes_nginx_t(tmp_path, upstream):
    if NGINX is None:
        pytest.skip("nginx is not installed (.ci/run installs nginx-light with apt-get)")
    _tool("openssl")
    text = (DEPLOY / "nginx" / upstream).read_text()
    if upstream == "upstream-compose.conf":  # the compose names resolve only inside compose
        text = re.sub(r"server\s+[\w-]+:", "server 127.0.0.1:", text)
    snippet = (DEPLOY / "nginx" / "gridbot-webhook.conf").read_text()
    good = _nginx_test(_nginx_prefix(tmp_path / "good", text, snippet))
    assert good.returncode == 0, good.stderr
    assert "ssl_certificate" in snippet and "listen 443 ssl" in snippet
    bad = _nginx_test(_nginx_prefix(tmp_path / "bad", text,
                                    snippet.replace("proxy_pass", "proxy_passs")))
    assert bad.returncode != 0 and "proxy_passs" in bad.stderr


# -- systemd ----------------------------------------------------------------------------------

def _verify_unit(folder: Path, text: str) -> subprocess.CompletedProcess:
    folder.mkdir(parents=True)
    unit = folder / "gridbot@8081.service"  # an instance of the template
    unit.write_text(text)
    return _run(_tool("systemd-analyze"), "verify", str(unit))


def test_systemd_unit_verifies(tmp_path):
    # The unit assumes the project in /srv/gridbot/.venv; here it is this checkout's venv.
    gridbot = Path(sys.executable).with_name("gridbot")
    text = (DEPLOY / "systemd" / "gridbot@.service").read_text().replace(
        "/srv/gridbot/.venv/bin/gridbot", str(gridbot))
    good = _verify_unit(tmp_path / "good", text)
    # systemd-analyze exits 0 on an ignored line, so its output must be empty too.
    assert good.returncode == 0 and not good.stderr.strip() and not good.stdout.strip(), \
        good.stderr
    bad = _verify_unit(tmp_path / "bad", text.replace("Restart=on-failure", "Restart=maybe"))
    assert "maybe" in bad.stderr
