"""Shared pieces of the benchmarks: timing helpers, result rows and the printed table.

A benchmark module ``bench_<name>.py`` defines ``run() -> Report``. Targets are checked
against figures measured in the same run (a bare Qt window, say), never against absolute
numbers from another machine, so the verdicts mean the same on a slow laptop and in CI.
Verdicts are printed (PASS/OVER); timing never fails the build.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Result:
    """One measured figure, and how it compares to its target (if it has one)."""

    name: str
    samples_ms: list[float]
    target: str = ""
    ok: bool | None = None
    ratio: float | None = None
    note: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def max_ms(self) -> float:
        return max(self.samples_ms)

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "OVER")


@dataclass
class Report:
    """What one benchmark module measured: setup notes first, then the results."""

    title: str
    notes: list[str] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    def add(self, result: Result) -> Result:
        self.results.append(result)
        return result


def time_call(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def run_process(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Milliseconds one process takes from spawn to exit. A failure stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(
        list(command), env=env, capture_output=True, text=True, timeout=120, check=False
    )
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return elapsed


def time_processes(
    commands: dict[str, Sequence[str]], repeat: int, env: dict[str, str] | None = None
) -> dict[str, list[float]]:
    """Time several commands ``repeat`` times each, interleaved.

    Interleaving (a, b, a, b, ...) spreads any slow spell of the machine over all of them,
    so their ratio stays fair. One untimed run each first warms the file cache.
    """
    for command in commands.values():
        run_process(command, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            samples[name].append(run_process(command, env))
    return samples


def offscreen_env(**extra: str) -> dict[str, str]:
    """The environment for a Qt subprocess: offscreen, and no real user settings touched."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def cache_dir() -> Path:
    """Where built fixtures (large stores) are kept between runs: $COOPDESK_BENCH_CACHE,
    else the user's cache dir."""
    explicit = os.environ.get("COOPDESK_BENCH_CACHE")
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("CoopDesk", appauthor=False)) / "bench"


def _ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def format_report(report: Report) -> str:
    lines = [f"== {report.title} =="]
    lines += [f"   {note}" for note in report.notes]
    if not report.results:
        return "\n".join(lines)
    headers = ("measure", "median", "max", "ratio", "target", "result")
    rows = [
        (
            r.name,
            _ms(r.median_ms),
            _ms(r.max_ms),
            "" if r.ratio is None else f"{r.ratio:.2f}x",
            r.target,
            " ".join(part for part in (r.verdict, r.note) if part),
        )
        for r in report.results
    ]
    widths = [max(len(str(row[i])) for row in (headers, *rows)) for i in range(len(headers))]
    right = {1, 2, 3}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    lines += ["", line(headers), line(["-" * w for w in widths])]
    lines += [line(row) for row in rows]
    return "\n".join(lines)


# The baseline of every start-up figure: PySide6 showing an empty window, then quitting.
BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1100, 720)
window.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


def run_worker(
    script: str, action: str, args: Sequence[str], env: dict[str, str], timeout: float
) -> dict:
    """Run ``script action args…`` in a fresh process (its own memory and start-up) and
    return the JSON object its last line of output holds."""
    done = subprocess.run(
        [sys.executable, script, action, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{action} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])
