"""Decisions targets (issue "Decisions"):

- a decision with 2,000 ballots from 5 sites is tallied in under 50 ms (timed: a secret STV
  election for 3 seats among 8 candidates, and an open consensus proposal decided by sites);
- the Decisions page with 1,000 decisions opens (built, loaded and painted) in under 100 ms.

Building goes through the real write path (``Transaction.insert``) in transactions of a
few thousand rows: members at five sites, participations under the voters' names and
secret ballots written by the ballot box (``URN``), stances with a reason now and then;
1,000 decisions of every kind, 600 of them closed with a few stances each. Cached (see
``harness.cache_dir``) under a key that changes with the builder, the schema and CoopDesk.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from harness import Report, Result, cache_dir, time_call

from coopdesk import __version__
from coopdesk.coop.coop import add_site, start_coop
from coopdesk.decisions.decisions import add_decision, get_decision
from coopdesk.decisions.results import tally
from coopdesk.store.migrations import SCHEMA_VERSION
from coopdesk.store.store import Store
from coopdesk.store.transaction import URN

BUILD_VERSION = 1
SEED = 16
SITES = 5
MEMBERS = 2000
BALLOTS = 2000
DECISIONS = 1000
CLOSED = 600
TALLY_RUNS = 20
TALLY_LIMIT_MS = 50.0
PAGE_RUNS = 7
PAGE_LIMIT_MS = 100.0
CANDIDATES = [f"Candidate {n}" for n in range(1, 9)]


def build_store(data_dir: Path) -> None:
    rng = random.Random(SEED)
    store = start_coop(data_dir, "Bench Coop", "Site 1", "Ana")
    ana = str(store.local_get("default_member_id"))
    sites = [store.site_id] + [add_site(store, ana, f"Site {n}") for n in range(2, SITES + 1)]
    with store.transaction(ana) as tx:
        members = [
            tx.insert("member", {"name": f"Member {n:04d}", "home_site_id": sites[n % SITES]})
            for n in range(MEMBERS)
        ]
    now = dt.datetime.now().replace(microsecond=0)
    opened = now - dt.timedelta(days=2)
    closes = now + dt.timedelta(days=5)
    election = add_decision(
        store,
        ana,
        "Elect the working group",
        kind="ranked",
        seats=3,
        options=CANDIDATES,
        secret=True,
        closes_at=closes,
        now=opened,
    )
    options = [option.id for option in get_decision(store, election).options]
    # Participations under the voters' names; the ballots, shuffled, by the ballot box.
    with store.transaction(ana) as tx:
        for n, member in enumerate(members[:BALLOTS]):
            tx.insert(
                "participation",
                {
                    "decision_id": election,
                    "member_id": member,
                    "site_id": sites[n % SITES],
                    "voted_at": opened + dt.timedelta(minutes=n),
                },
            )
    with store.transaction(URN) as tx:
        for n in range(BALLOTS):
            ranking = rng.sample(options, rng.randint(1, len(options)))
            tx.insert(
                "ballot",
                {
                    "decision_id": election,
                    "site_id": sites[n % SITES],
                    "choice": json.dumps(ranking),
                },
            )
    proposal = add_decision(
        store,
        ana,
        "Join the federation",
        kind="consensus",
        by_sites="site-majority",
        closes_at=closes,
        now=opened,
    )
    words = ["agree"] * 6 + ["abstain", "disagree", "block"]
    with store.transaction(ana) as tx:
        for n, member in enumerate(members[:BALLOTS]):
            word = rng.choice(words)
            tx.insert(
                "stance",
                {
                    "decision_id": proposal,
                    "member_id": member,
                    "site_id": sites[n % SITES],
                    "stance": word,
                    "reason": "Not like this." if word in ("disagree", "block") else "",
                    "cast_at": opened + dt.timedelta(minutes=n),
                },
            )
    kinds = ["consent", "consensus", "single", "multiple", "score", "count"]
    for n in range(DECISIONS - 2):
        kind = kinds[n % len(kinds)]
        start = now - dt.timedelta(days=400 - n // 3)
        end = start + dt.timedelta(days=7) if n < CLOSED else now + dt.timedelta(days=1 + n % 30)
        decision = add_decision(
            store,
            ana,
            f"Decision {n:04d}",
            kind=kind,
            options=["Yes please", "No thanks", "Later"]
            if kind in ("single", "multiple", "score")
            else (),
            closes_at=end,
            now=start,
        )
        view = get_decision(store, decision)
        with store.transaction(ana) as tx:
            for voter in rng.sample(members, 5):
                if kind == "consent":
                    fields = {
                        "stance": rng.choice(["consent", "consent", "object"]),
                        "reason": "no",
                    }
                elif kind == "consensus":
                    fields = {"stance": rng.choice(["agree", "abstain"])}
                elif kind == "count":
                    fields = {"stance": "yes"}
                elif kind == "score":
                    fields = {"choice": json.dumps({o.id: rng.randint(0, 5) for o in view.options})}
                else:
                    fields = {"choice": json.dumps([rng.choice(view.options).id])}
                tx.insert(
                    "stance",
                    {
                        "decision_id": decision,
                        "member_id": voter,
                        "site_id": sites[0],
                        "cast_at": start + dt.timedelta(hours=1),
                        **fields,
                    },
                )
    store.local_set("bench_decisions", json.dumps({"election": election, "proposal": proposal}))
    store.close()


def cached_store() -> tuple[Path, str]:
    key = f"decisions-b{BUILD_VERSION}-s{SCHEMA_VERSION}-v{__version__}"
    target = cache_dir() / key
    if target.exists():
        return target, f"cached store {target}"
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"   building the decisions store in {partial} (once; cached afterwards) ...", flush=True)
    build_store(partial)
    partial.rename(target)
    return target, f"built store {target}"


def measure_tally(report: Report, store: Store) -> None:
    ids = json.loads(store.local_get("bench_decisions"))
    for name, decision_id in (
        ("secret STV, 3 of 8 seats", ids["election"]),
        ("consensus by 5 sites", ids["proposal"]),
    ):
        result = tally(store, decision_id)
        samples = time_call(lambda decision_id=decision_id: tally(store, decision_id), TALLY_RUNS)
        report.add(
            Result(
                f"tally: {name}, {result.ballots:,} ballots",
                samples,
                target=f"< {TALLY_LIMIT_MS:.0f} ms",
                ok=sorted(samples)[len(samples) // 2] < TALLY_LIMIT_MS,
            )
        )


def _open_page(app, store: Store, key: str, show_all: bool) -> tuple[float, int]:
    """A new window (untimed), then the time to go to a page and paint it."""
    from coopdesk.gui.shell.main_window import MainWindow

    member = str(store.local_get("default_member_id"))
    window = MainWindow(store, member_id=member, ask_for_member=False, remember_layout=False)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    start = time.perf_counter()
    page = window.go_to(key)
    if show_all:
        page.filter_combo.setCurrentIndex(page.filter_combo.count() - 1)
    app.processEvents()
    elapsed = (time.perf_counter() - start) * 1000
    rows = page.model.rowCount() if key == "decisions" else 0
    window.close()
    window.deleteLater()
    app.processEvents()
    return elapsed, rows


def measure_page(report: Report, store: Store) -> None:
    """The Decisions page as it opens (open and upcoming decisions), then showing all 1,000;
    the Tasks page of the same window, for comparison (a page with little to show)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    for key, show_all, label in (
        ("decisions", False, "Decisions page opens"),
        ("decisions", True, "Decisions page opens, then shows all"),
        ("tasks", False, "for comparison: the Tasks page opens (no tasks)"),
    ):
        runs = [_open_page(app, store, key, show_all) for _ in range(PAGE_RUNS + 1)][1:]
        samples = [elapsed for elapsed, _rows in runs]
        rows = runs[-1][1]
        name = f"{label} ({rows:,} decisions listed)" if rows else label
        median = sorted(samples)[len(samples) // 2]
        target = key == "decisions"
        report.add(
            Result(
                name,
                samples,
                target=f"< {PAGE_LIMIT_MS:.0f} ms" if target else "",
                ok=median < PAGE_LIMIT_MS if target else None,
            )
        )


def run() -> Report:
    report = Report("decisions: 2,000 ballots from 5 sites; 1,000 decisions")
    source, note = cached_store()
    report.notes.append(note)
    with tempfile.TemporaryDirectory(prefix="coopdesk-bench-") as tmp:
        data_dir = Path(tmp) / "site"
        shutil.copytree(source, data_dir)
        with Store.open(data_dir) as store:
            count = store.conn.execute("SELECT count(*) FROM decision").fetchone()[0]
            report.notes.append(f"{count:,} decisions, {MEMBERS:,} members at {SITES} sites")
            measure_tally(report, store)
            measure_page(report, store)
    return report
