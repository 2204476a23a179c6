"""CI's pip-audit step (.ci/pip_audit.py): a found vulnerability fails; no reachable
vulnerability data is said in one line and is not a pass in disguise."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

STEP = Path(__file__).resolve().parents[2] / ".ci" / "pip_audit.py"
spec = importlib.util.spec_from_file_location("pip_audit_step", STEP)
step = importlib.util.module_from_spec(spec)
spec.loader.exec_module(step)

SKIPPED = {"name": "aiogram", "skip_reason": "Dependency not found on PyPI and could not be "
                                            "audited: aiogram (3.31.0)"}
CLEAN = {"name": "pillow", "version": "11.0.0", "vulns": []}
VULNERABLE = {"name": "jinja2", "version": "3.1.2", "vulns": [
    {"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": ["CVE-2024-22195"],
     "description": "xmlattr allows keys with spaces"}]}


def test_a_found_vulnerability_fails_and_names_the_fix():
    status, message = step.verdict({"dependencies": [CLEAN, SKIPPED, VULNERABLE]})
    assert status == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in message


def test_nothing_audited_is_said_and_does_not_fail():
    status, message = step.verdict({"dependencies": [SKIPPED, SKIPPED]})
    assert status == 0 and len(message.splitlines()) == 1
    assert "no vulnerability data reachable" in message and "skipped, not passed" in message


def test_audited_and_clean_passes():
    status, message = step.verdict({"dependencies": [CLEAN, SKIPPED]})
    assert (status, message) == (0, "pip-audit: no known vulnerabilities in 1 packages")


def test_the_script_reads_a_saved_report_and_exits_with_the_verdict(tmp_path):
    report = tmp_path / "audit.json"
    report.write_text(json.dumps({"dependencies": [VULNERABLE], "fixes": []}))
    run = subprocess.run([sys.executable, str(STEP), str(report)], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 1 and "GHSA-h5c8-rqwp-cp95" in run.stdout
