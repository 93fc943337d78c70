"""Sync folder figures (issue "Sites with a network"):

- how long a change takes from site A to site B through two real Syncthing instances on this
  machine (127.0.0.1, discovery and relays off): A's loop exports after its quiet period
  (3 s, as the window does), Syncthing carries the file, B's loop (looking every 0.5 s)
  imports it. Also the time Syncthing alone takes for the file. Skipped, and said, without
  Syncthing;
- the folder's size after a simulated year of weekly syncs: three sites on one folder, each
  week each site edits 10 members and adds 2, then the sites' loops run (a plain shared
  folder: what the file-sync tool does is copy, which changes no size); tidying removes
  bundles every site acknowledged after the 3-day grace period. Compared with the total of
  every bundle written (what the folder would hold without tidying).

Figures, not targets: the latency is mostly the quiet period and Syncthing's own watcher delay.
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import Report, Result

HERE = Path(__file__).resolve().parent
if str(HERE.parent.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent.parent))

from coopdesk.coop.members import add_member, update_member  # noqa: E402
from coopdesk.sync.folder import (  # noqa: E402
    FolderLoop,
    folder_status,
    set_sync_folder,
)
from tests.sync_helpers import Federation, fast_tmp_root  # noqa: E402
from tests.syncthing_helpers import syncthing_pair, syncthing_unavailable  # noqa: E402

LATENCY_RUNS = 5
POLL = 0.5
WEEKS = 52
EDITS_PER_WEEK = 10
ADDS_PER_WEEK = 2
WEEK = 7 * 86400


def measure_latency(report: Report) -> None:
    why_not = syncthing_unavailable()
    if why_not:
        report.notes.append(why_not)
        return
    root = Path(tempfile.mkdtemp(prefix="coopdesk-bench-st-"))
    federation = Federation.create(root / "coop", ["A", "B"])
    try:
        with syncthing_pair(root / "syncthing") as (a, b):
            set_sync_folder(federation["A"], a.folder)
            set_sync_folder(federation["B"], b.folder)
            loops = {"A": FolderLoop(federation["A"]), "B": FolderLoop(federation["B"])}
            for _ in range(10):  # settle what the setup left unsaid
                for loop in loops.values():
                    loop.step()
                time.sleep(POLL)
            edit_to_store: list[float] = []
            file_carried: list[float] = []
            for run in range(LATENCY_RUNS):
                name = f"Latency {run}"
                started = time.monotonic()
                add_member(federation["A"], federation.ana, name)
                exported_at = None
                while True:
                    result = loops["A"].step()
                    if result.exported and exported_at is None:
                        exported_at = time.monotonic()
                        written = result.exported.path.name
                    if exported_at and (b.folder / written).exists() and len(file_carried) == run:
                        file_carried.append((time.monotonic() - exported_at) * 1000)
                    loops["B"].step()
                    row = (
                        federation["B"]
                        .conn.execute("SELECT 1 FROM member WHERE name = ?", (name,))
                        .fetchone()
                    )
                    if row:
                        edit_to_store.append((time.monotonic() - started) * 1000)
                        break
                    if time.monotonic() - started > 120:
                        raise TimeoutError("the change did not arrive in two minutes")
                    time.sleep(POLL)
                for _ in range(8):  # let B's answer travel back before the next run
                    for loop in loops.values():
                        loop.step()
                    time.sleep(POLL)
            report.add(
                Result(
                    "A's edit to B's store through Syncthing (3 s quiet period, 0.5 s looks)",
                    edit_to_store,
                )
            )
            if file_carried:
                report.add(Result("Syncthing alone: file in A's folder to B's", file_carried))
    finally:
        federation.close()
        shutil.rmtree(root, ignore_errors=True)


def simulate_year(report: Report) -> None:
    rng = random.Random(18)
    root = fast_tmp_root()
    federation = Federation.create(root / "coop", ["A", "B", "C"])
    shared = root / "Shared"
    shared.mkdir()
    try:
        names = list(federation.sites)
        for name in names:
            set_sync_folder(federation[name], shared)
        members = {
            name: [
                add_member(federation[name], federation.ana, f"{name} member {n}")
                for n in range(20)
            ]
            for name in names
        }
        now = time.time()
        loops = {name: FolderLoop(federation[name]) for name in names}
        written = 0
        sizes = []
        started = time.perf_counter()
        for _week in range(WEEKS):
            for name in names:
                store = federation[name]
                everyone = [
                    row[0] for row in store.conn.execute("SELECT id FROM member WHERE _cl % 2 = 1")
                ]
                for _ in range(EDITS_PER_WEEK):
                    update_member(
                        store,
                        federation.ana,
                        rng.choice(everyone),
                        phone=f"555 {rng.randint(0, 9999):04d}",
                    )
                for _ in range(ADDS_PER_WEEK):
                    members[name].append(
                        add_member(store, federation.ana, f"{name} new {rng.random():.6f}")
                    )
            for _round in range(6):  # the sync session: a few minutes of the loops running
                for loop in loops.values():
                    result = loop.step(now)
                    if result.exported:
                        written += result.exported.size
                now += 5
            sizes.append(sum(p.stat().st_size for p in shared.iterdir() if p.is_file()))
            now += WEEK
        took = time.perf_counter() - started
        final = sizes[-1]
        files = len([p for p in shared.iterdir() if p.is_file()])
        report.notes.append(
            f"simulated year ({WEEKS} weekly syncs, 3 sites, {EDITS_PER_WEEK} edits and "
            f"{ADDS_PER_WEEK} new members per site and week): the folder holds {final / 1024:.1f}"
            f" KB in {files} files at the end (largest {max(sizes) / 1024:.1f} KB, median "
            f"{statistics.median(sizes) / 1024:.1f} KB); without tidying it would hold every "
            f"bundle written, {written / 1024:.1f} KB ({took:.1f} s to simulate)"
        )
        status = folder_status(federation["A"])
        report.notes.append(
            f"at the end, site A: {len(status.sites)} sites on the folder, "
            f"{len(status.waiting)} waiting, {len(status.refused)} refused"
        )
    finally:
        federation.close()
        shutil.rmtree(root, ignore_errors=True)


def run() -> Report:
    report = Report("sync folder: latency through Syncthing; the folder's size after a year")
    simulate_year(report)
    measure_latency(report)
    return report


if __name__ == "__main__":
    from harness import format_report

    print(format_report(run()))
