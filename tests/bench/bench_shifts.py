"""Shift targets (issue "Shifts"):

- the week view (``list_shifts`` for one week, with every shift's sign-ups) loads in under
  100 ms with 100,000 shifts in the store;
- generating a year of a coop's templates (50 templates, two standing members each) takes
  under 1 s.

The big store is built through the real write path: ``Transaction.insert`` in transactions
of a few thousand rows each (a coop's change log, clocks and indexes, just made faster by
batching). 100,000 shifts over eight years (about 240 a week) with one to three sign-ups
each. Building takes a while; the result is cached (see ``harness.cache_dir``) under a key
that changes with this builder, the store schema and the CoopDesk version.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import tempfile
from pathlib import Path

from harness import Report, Result, cache_dir, time_call

from coopdesk import __version__
from coopdesk.coop.coop import start_coop
from coopdesk.shifts.shifts import list_shifts
from coopdesk.shifts.templates import add_standing_member, add_template, generate_shifts
from coopdesk.store.migrations import SCHEMA_VERSION
from coopdesk.store.store import Store

SHIFTS = 100_000
MEMBERS = 400
FIRST_DAY = dt.date(2022, 1, 3)  # a Monday
YEARS = 8
BATCH = 5_000
BUILD_VERSION = 1
SEED = 4

WEEK_RUNS = 15
WEEK_LIMIT_MS = 100.0
TEMPLATES = 50
GENERATE_RUNS = 3
GENERATE_LIMIT_MS = 1000.0


def build_store(data_dir: Path) -> None:
    rng = random.Random(SEED)
    store = start_coop(data_dir, "Bench Coop", "Kitchen", "Ana")
    ana = str(store.local_get("default_member_id"))
    with store.transaction(ana) as tx:
        members = [tx.insert("member", {"name": f"Member {n:04d}"}) for n in range(MEMBERS)]
    days = YEARS * 365
    titles = ("Shop opening", "Community meal", "Warehouse sort", "Delivery run", "Front desk")
    made = 0
    while made < SHIFTS:
        with store.transaction(ana) as tx:
            for _ in range(min(BATCH, SHIFTS - made)):
                start = dt.datetime.combine(
                    FIRST_DAY + dt.timedelta(days=rng.randrange(days)),
                    dt.time(rng.choice((8, 10, 14, 18))),
                )
                shift_id = tx.insert(
                    "shift",
                    {
                        "title": rng.choice(titles),
                        "site_id": store.site_id,
                        "starts_at": start,
                        "ends_at": start + dt.timedelta(hours=3),
                        "capacity": 3,
                    },
                )
                for member in rng.sample(members, rng.randint(1, 3)):
                    tx.insert(
                        "shift_signup",
                        {
                            "shift_id": shift_id,
                            "member_id": member,
                            "signed_up_at": start - dt.timedelta(days=rng.randint(1, 20)),
                            "site_id": store.site_id,
                        },
                    )
                made += 1
    store.close()


def cached_store() -> tuple[Path, str]:
    key = f"shifts-b{BUILD_VERSION}-s{SCHEMA_VERSION}-v{__version__}"
    target = cache_dir() / key
    if target.exists():
        return target, f"cached store {target}"
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"   building the shifts store in {partial} (once; cached afterwards) ...", flush=True)
    build_store(partial)
    partial.rename(target)
    return target, f"built store {target}"


def measure_week(report: Report) -> None:
    data_dir, note = cached_store()
    report.notes.append(note)
    store = Store.open(data_dir)
    try:
        count = store.conn.execute("SELECT count(*) FROM shift").fetchone()[0]
        signups = store.conn.execute("SELECT count(*) FROM shift_signup").fetchone()[0]
        report.notes.append(f"{count:,} shifts, {signups:,} sign-ups over {YEARS} years")
        monday = FIRST_DAY + dt.timedelta(weeks=YEARS * 26)
        week = list_shifts(store, monday, monday + dt.timedelta(days=7))
        samples = time_call(
            lambda: list_shifts(store, monday, monday + dt.timedelta(days=7)), WEEK_RUNS
        )
    finally:
        store.close()
    median = sorted(samples)[len(samples) // 2]
    report.add(
        Result(
            f"week view: list_shifts ({len(week)} shifts)",
            samples,
            target=f"< {WEEK_LIMIT_MS:.0f} ms",
            ok=median < WEEK_LIMIT_MS,
        )
    )


def _generate_once(scratch: Path, run: int) -> tuple[float, int]:
    """A fresh coop with 50 templates and standing members; time one year's generation."""
    import time

    store = start_coop(scratch / f"gen-{run}", "Bench Coop", "Kitchen", "Ana")
    ana = str(store.local_get("default_member_id"))
    with store.transaction(ana) as tx:
        members = [tx.insert("member", {"name": f"Member {n:03d}"}) for n in range(120)]
    start = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    for n in range(TEMPLATES):
        template_id = add_template(
            store,
            ana,
            title=f"Template {n}",
            weekday=n % 7,
            start_time=f"{8 + n % 10:02d}:00",
            duration_minutes=180,
            capacity=3,
            cycle_start=start,
            cycle_weeks=4 if n % 5 == 0 else 1,
            cycle_week=n % 4 if n % 5 == 0 else 0,
            site_id=store.site_id,
        )
        for member in members[2 * n % 120 : 2 * n % 120 + 2]:
            add_standing_member(store, ana, template_id, member, since=start)
    began = time.perf_counter()
    made = generate_shifts(store, ana, start, start + dt.timedelta(days=365))
    elapsed = (time.perf_counter() - began) * 1000
    store.close()
    return elapsed, made


def measure_generation(report: Report) -> None:
    with tempfile.TemporaryDirectory(prefix="coopdesk-bench-") as name:
        runs = [_generate_once(Path(name), run) for run in range(GENERATE_RUNS)]
    samples = [elapsed for elapsed, _made in runs]
    made = runs[0][1]
    median = sorted(samples)[len(samples) // 2]
    report.add(
        Result(
            f"generate a year of {TEMPLATES} templates ({made:,} shifts, standing sign-ups)",
            samples,
            target=f"< {GENERATE_LIMIT_MS:.0f} ms",
            ok=median < GENERATE_LIMIT_MS,
        )
    )


def run() -> Report:
    report = Report("shifts")
    measure_week(report)
    measure_generation(report)
    return report
