"""Dependency audit: pip-audit over requirements.txt, and a loud line when it could not audit.

pip-audit asks PyPI's JSON API for each pinned version's known vulnerabilities. Where that cannot be
reached (a closed network, a registry mirror without per-version pages), pip-audit skips every
dependency and still exits 0: this script says so on one unmistakable line instead of passing
silently.

Exit status: 1 when a vulnerability is known (CI fails); 0 with "DEPENDENCY AUDIT NOT DONE" when no
vulnerability database answered, unless AUDIT_REQUIRED=true, which makes that fail too (for a CI
with internet access). README, "Dependency audit".
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(pip_audit):
    with tempfile.TemporaryDirectory() as scratch:
        report_path = Path(scratch) / "audit.json"
        result = subprocess.run(
            [pip_audit, "--requirement", str(ROOT / "requirements.txt"), "--no-deps", "--disable-pip",
             "--progress-spinner", "off", "--format", "json", "--output", str(report_path)],
            capture_output=True, text=True, timeout=600,
        )
        report = json.loads(report_path.read_text()) if report_path.exists() else None
    if report is None:
        return not_done(f"pip-audit failed (exit {result.returncode}): {last_line(result.stderr)}")
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"VULNERABLE: {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        print(f"DEPENDENCY AUDIT FAILED: {len(vulnerable)} pinned requirement(s) have known vulnerabilities.")
        return 1
    if skipped:
        return not_done(f"{len(skipped)} of {len(dependencies)} requirements could not be audited "
                        f"({skipped[0]['skip_reason']})")
    print(f"Dependency audit: {len(dependencies)} pinned requirements, no known vulnerabilities.")
    return 0


def not_done(reason):
    print("!" * 100)
    print(f"DEPENDENCY AUDIT NOT DONE: no vulnerability database could be reached. {reason}")
    print("!" * 100)
    return 1 if os.environ.get("AUDIT_REQUIRED", "").lower() in {"1", "true", "yes"} else 0


def last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".venv" / "bin" / "pip-audit")))
