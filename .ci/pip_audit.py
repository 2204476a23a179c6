"""CI's dependency audit: pip-audit over the installed environment, read from its JSON.

pip-audit exits 0 when it could audit nothing at all (every package "not found on PyPI",
as behind a registry mirror without PyPI's JSON API): that must not read as "no known
vulnerabilities". So: a found vulnerability fails the step (exit 1); vulnerability data that
could not be reached says so in one line and does not fail CI for that reason alone.
Usage: python .ci/pip_audit.py  (or, for a saved report: python .ci/pip_audit.py FILE.json)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def verdict(report: dict) -> tuple[int, str]:
    """(exit status, what to print) for one pip-audit JSON report."""
    deps = report.get("dependencies", [])
    found = [d for d in deps if d.get("vulns")]
    audited = [d for d in deps if "skip_reason" not in d]
    if found:
        lines = [f"{d['name']} {d.get('version', '?')}: " + ", ".join(
            f"{v['id']} (fixed in {', '.join(v.get('fix_versions') or ['-'])})"
            for v in d["vulns"]) for d in found]
        return 1, "pip-audit: known vulnerabilities:\n  " + "\n  ".join(lines)
    if not audited:
        return 0, (f"pip-audit: no vulnerability data reachable ({len(deps)} packages could "
                   "not be audited); the audit is skipped, not passed")
    return 0, f"pip-audit: no known vulnerabilities in {len(audited)} packages"


def main(argv: list[str]) -> int:
    if argv:
        report_text = Path(argv[0]).read_text()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "audit.json"
            run = subprocess.run([sys.executable, "-m", "pip_audit", "--local", "--format",
                                  "json", "--output", str(out), "--progress-spinner", "off"],
                                 capture_output=True, text=True, timeout=600)
            if not out.exists():  # it could not even start its queries (no network at all)
                last = (run.stderr.strip().splitlines() or ["no output"])[-1]
                print(f"pip-audit: could not reach vulnerability data ({last[:160]}); skipped")
                return 0
            report_text = out.read_text()
    status, message = verdict(json.loads(report_text))
    print(message)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
