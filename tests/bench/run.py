"""Run CoopDesk's benchmarks: every tests/bench/bench_*.py module's ``run()``.

Usage: ``make bench``, or ``.venv/bin/python tests/bench/run.py [NAME ...]`` to run only
``bench_NAME.py``. Prints one table per module and a summary of PASS/OVER verdicts. Exits
non-zero only when a benchmark itself breaks; a target that is missed is reported, not
failed, because timing on shared machines is too noisy to gate a build on.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

from harness import Report, format_report  # noqa: E402


def discover(names: list[str]) -> list[str]:
    modules = sorted(path.stem for path in HERE.glob("bench_*.py"))
    if names:
        wanted = {name if name.startswith("bench_") else f"bench_{name}" for name in names}
        unknown = wanted - set(modules)
        if unknown:
            raise SystemExit(f"run.py: no such benchmark: {', '.join(sorted(unknown))}")
        modules = [m for m in modules if m in wanted]
    return modules


def main(argv: list[str]) -> int:
    modules = discover(argv)
    broken: list[str] = []
    verdicts: list[tuple[str, str]] = []
    for name in modules:
        print(f"\n-- {name} ...", flush=True)
        start = time.perf_counter()
        try:
            report: Report = importlib.import_module(name).run()
        except Exception:
            traceback.print_exc()
            broken.append(name)
            continue
        print(format_report(report))
        print(f"   ({name} took {time.perf_counter() - start:.1f} s)")
        verdicts += [(f"{name}: {r.name}", r.verdict) for r in report.results if r.verdict]
    print("\n== summary ==")
    for label, verdict in verdicts:
        if verdict != "PASS":
            print(f"   {verdict}  {label}")
    passed = sum(1 for _, verdict in verdicts if verdict == "PASS")
    print(f"   {passed}/{len(verdicts)} targets met", end="")
    print(f"; broken benchmarks: {', '.join(broken)}" if broken else "")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
