"""Years of history: sync, start-up and every page stay fast as a coop grows (issue 14).

The coops of ``coop_years`` (300 members, three sites, 30 weekly shift templates, about 40
stock movements a day, built through the core functions and cached) after 1 and 10 years,
and after 30 with ``COOPDESK_BENCH_30Y=1`` (its first build takes a quarter of an hour or
more); ``COOPDESK_BENCH_YEARS=1,10`` picks the coops. For each, the table of the issue:

- import into an empty site: a new computer for the Warehouse joins with a full bundle of
  the Kitchen, against inserting the same rows (every replicated table's current rows) into
  plain tables with ``executemany`` (target 4x on the 10-year coop);
- weekly sync: a week of the Warehouse's work (sign-ups, attendance, stock) exported for the
  Kitchen and imported there, as a person does it (``import_bundle`` with its defaults),
  with what its safety copy costs, when the Kitchen already made its backup of the day
  (target under 100 ms on the 10-year coop), and the import alone when none was made yet
  today (the day's backup comes first);
- start-up: ``coopdesk self-test`` against a bare PySide6 window, interleaved (targets 1.6x
  on the 10-year coop, 2x on the 30-year one);
- Today's reload (it runs after every write) and every page's open and reload (target
  under 50 ms on the 10-year coop);
- ``coopdesk dump``: its time and peak memory (target under 100 MB on the 30-year coop).

Every export, import, dump and window runs in a process of its own, which times itself and
reports its own peak memory: ``VmHWM`` of that process, read from /proc (``ru_maxrss`` of a
child on Linux starts at its parent's).
"""

from __future__ import annotations

import compileall
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
for entry in (str(ROOT), str(HERE)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from harness import (  # noqa: E402
    BARE_WINDOW,
    Report,
    Result,
    cache_dir,
    offscreen_env,
    run_worker,
    time_processes,
)

YEARS = tuple(
    int(years)
    for years in os.environ.get(
        "COOPDESK_BENCH_YEARS", "1,10,30" if os.environ.get("COOPDESK_BENCH_30Y") else "1,10"
    ).split(",")
)
BASELINE_RUNS = 3
SYNC_RUNS = 3
STARTUP_RUNS = 5
PAGE_RUNS = 3
RELOAD_RUNS = 5
IMPORT_RATIO = 4.0  # on the 10-year coop
WEEKLY_LIMIT_MS = 100.0  # on the 10-year coop
STARTUP_RATIO = {10: 1.6, 30: 2.0}
PAGE_LIMIT_MS = 50.0  # on the 10-year coop
DUMP_LIMIT_MB = 100.0  # on the 30-year coop
SEED = 14


# -- measuring a process from inside ------------------------------------------------------------


def peak_mb() -> float:
    """This process's peak resident memory: VmHWM (since exec), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_calls(module: object, names: tuple[str, ...], spent: dict[str, float]) -> None:
    """Wrap ``module.<name>`` so the milliseconds spent in each call add up in ``spent``."""
    for name in names:
        original = getattr(module, name, None)
        if original is None:
            continue

        def wrapper(*args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] = spent.get(_name, 0.0) + (time.perf_counter() - started) * 1000

        setattr(module, name, wrapper)


# What an import spends on its safety copy, whatever its name in this version.
SAFETY_CALLS = ("make_backup", "record_undo", "scheduled_backup", "backup_if_due")


def worker(action: str, *args: str) -> dict[str, object]:
    from coopdesk.store.store import Store

    figures: dict[str, object] = {}
    if action == "export":
        from coopdesk.sync.export import export_bundle

        store = Store.open(Path(args[0]))
        for_site = args[2] if len(args) > 2 else None
        started = time.perf_counter()
        result = export_bundle(store, Path(args[1]), for_site=for_site, full=not for_site)
        figures = {"entries": result.entries, "bytes": result.size}
    elif action == "import":
        from coopdesk.store import undo
        from coopdesk.sync import importing

        spent: dict[str, float] = {}
        recording: dict[str, float] = {}
        timed_calls(importing, SAFETY_CALLS, spent)
        timed_calls(undo, ("start_recording", "stop_recording"), recording)
        if len(args) > 3 and args[3] == "no-undo":  # what the record costs, in the same run
            undo.start_recording = lambda conn: None
            undo.stop_recording = lambda conn, about: None
        store = Store.open(Path(args[0]))
        if len(args) > 3 and args[3] == "after-preview":
            # As in the window: its preview of the bundle came first, on a connection of its
            # own, so the modules that read and verify a bundle are loaded (cryptography's).
            with Store.open(Path(args[0])) as previewing:
                importing.preview_bundle(previewing, Path(args[1]))
        started = time.perf_counter()
        outcome = importing.import_bundle(store, Path(args[1]), author=args[2] or None)
        figures = {
            "entries": outcome.report.new_entries,
            "safety_ms": sum(spent.values()),
            "undo_setup_ms": sum(recording.values()),
        }
        if len(args) > 3 and args[3].startswith("then-undo"):
            ms = (time.perf_counter() - started) * 1000
            figures["undo_rows"] = store.conn.execute("SELECT count(*) FROM _undo").fetchone()[0]
            checkpoints = None
            if args[3] == "then-undo-in-window":  # the window copies the log back on a thread
                from coopdesk.store.checkpoints import BackgroundCheckpoints

                checkpoints = BackgroundCheckpoints(store.path, store.conn)
            taken = time.perf_counter()
            assert store.take_back_last_import() is not None
            figures["take_back_ms"] = (time.perf_counter() - taken) * 1000
            if checkpoints is not None:
                copied = time.perf_counter()
                checkpoints.request()
                checkpoints.wait()
                figures["checkpoint_ms"] = (time.perf_counter() - copied) * 1000
                checkpoints.close()
            return {"ms": ms, "peak_mb": peak_mb(), **figures}
    elif action == "empty-site":
        secrets = json.loads(Path(args[1]).read_text())
        store = Store.create(Path(args[0]), site_id=secrets["site_id"])
        for key in ("coop_id", "root_public", "bundle_key", "site_private"):
            store.local_set(key, secrets[key])
        store.local_set("site_certificate", json.dumps(secrets["site_certificate"]))
        started = time.perf_counter()
    elif action == "week":
        store = Store.open(Path(args[0]))
        started = time.perf_counter()
        figures = {"changes": warehouse_week(store, args[1])}
    elif action == "dump":
        from coopdesk.cli.main import main

        started = time.perf_counter()
        with open(os.devnull, "w") as sink:
            saved, sys.stdout = sys.stdout, sink
            try:
                code = main(["--data-dir", args[0], "dump"])
            finally:
                sys.stdout = saved
        if code != 0:
            raise SystemExit(f"dump exited {code}")
        return {"ms": (time.perf_counter() - started) * 1000, "peak_mb": peak_mb()}
    elif action == "pages":
        return measure_pages(Path(args[0]))
    else:
        raise SystemExit(f"unknown action {action}")
    elapsed = (time.perf_counter() - started) * 1000
    store.close()
    return {"ms": elapsed, "peak_mb": peak_mb(), **figures}


def in_process(action: str, *args: str) -> dict:
    env = offscreen_env(PYTHONPATH=f"{ROOT}{os.pathsep}{HERE}")
    return run_worker(str(Path(__file__)), action, args, env, timeout=3600)


# -- a week at the Warehouse ----------------------------------------------------------------


def warehouse_week(store, author: str) -> int:
    """What the Warehouse's computer records in a week: the coming weeks' shifts, sign-ups,
    last week's attendance, its stock movements and chores done. Returns the changes made."""
    import datetime as dt

    from coopdesk.inventory.stock import balance, move
    from coopdesk.shifts.shifts import record_attendance, sign_up
    from coopdesk.shifts.templates import generate_shifts
    from coopdesk.tasks.tasks import complete_task

    rng = random.Random(SEED)
    before = store.conn.execute("SELECT count(*) FROM _change").fetchone()[0]
    now = dt.datetime.now().replace(microsecond=0)
    today = now.date()
    generate_shifts(store, author, today, today + dt.timedelta(weeks=4))
    members = [row[0] for row in store.conn.execute("SELECT id FROM member WHERE _cl % 2 = 1")]
    upcoming = store.conn.execute(
        "SELECT s.id, s.capacity, (SELECT count(*) FROM shift_signup x WHERE x.shift_id = s.id"
        " AND x._cl % 2 = 1) FROM shift s WHERE s._cl % 2 = 1 AND s.starts_at > ?"
        " ORDER BY s.starts_at LIMIT 60",
        (now.isoformat(),),
    ).fetchall()
    for shift_id, capacity, taken in upcoming:
        if taken < capacity:
            on_it = {
                row[0]
                for row in store.conn.execute(
                    "SELECT member_id FROM shift_signup WHERE shift_id = ?", (shift_id,)
                )
            }
            member = rng.choice([m for m in members if m not in on_it])
            sign_up(store, member, shift_id, member, now=now)
    pending = store.conn.execute(
        "SELECT su.shift_id, su.member_id FROM shift_signup su JOIN shift s ON s.id = su.shift_id"
        " WHERE su._cl % 2 = 1 AND su.attendance = 'pending' AND s.starts_at < ?"
        " AND s.starts_at >= ? ORDER BY s.starts_at LIMIT 60",
        (now.isoformat(), (now - dt.timedelta(days=7)).isoformat()),
    ).fetchall()
    for shift_id, member in pending:
        record_attendance(store, author, shift_id, member, "attended", now=now)
    items = [row[0] for row in store.conn.execute("SELECT id FROM item ORDER BY id")]
    for number in range(7 * 40 // 3):
        item = rng.choice(items)
        when = (now - dt.timedelta(minutes=number * 30)).isoformat(timespec="seconds")
        held = balance(store, item, store.site_id)
        if held > 10:
            move(store, rng.choice(members), item, rng.randint(1, 10), "used", when=when)
        else:
            move(store, rng.choice(members), item, rng.randint(20, 60), "received", when=when)
    for (task_id,) in store.conn.execute(
        "SELECT id FROM task WHERE _cl % 2 = 1 AND status != 'done' AND due_on <= ?"
        " ORDER BY due_on LIMIT 6",
        (today.isoformat(),),
    ).fetchall():
        complete_task(store, author, task_id)
    return store.conn.execute("SELECT count(*) FROM _change").fetchone()[0] - before


# -- the window's pages (in a process of their own) ------------------------------------------


def measure_pages(data_dir: Path) -> dict:
    """Open every page of the window (built, loaded, painted) and reload it; Today's reload
    is what runs after every write."""
    from PySide6.QtWidgets import QApplication

    from coopdesk.base.feature import resolve
    from coopdesk.gui.shell.app import application
    from coopdesk.gui.shell.main_window import SECTIONS, MainWindow
    from coopdesk.store.changes import Changes
    from coopdesk.store.store import Store

    application()
    store = Store.open(data_dir)
    window = MainWindow(store, ask_for_member=False, remember_layout=False)
    window.show()
    QApplication.processEvents()
    opened: dict[str, list[float]] = {}
    reloaded: dict[str, list[float]] = {}
    for section in SECTIONS:
        for _ in range(PAGE_RUNS):
            started = time.perf_counter()
            page = resolve(section.page)(window)
            window.stack.addWidget(page)
            window.stack.setCurrentWidget(page)
            page.ensure_loaded()
            QApplication.processEvents()
            opened.setdefault(section.key, []).append((time.perf_counter() - started) * 1000)
            window.stack.removeWidget(page)
            page.deleteLater()
            QApplication.processEvents()
        page = window.go_to(section.key)
        QApplication.processEvents()
        tables = page.tables or frozenset({"stock_move"})
        changes = Changes.of(tables, source="local")
        for _ in range(RELOAD_RUNS):
            started = time.perf_counter()
            page.reload(changes)
            QApplication.processEvents()
            reloaded.setdefault(section.key, []).append((time.perf_counter() - started) * 1000)
    window.close()
    store.close()
    return {
        "open": {key: statistics.median(v) for key, v in opened.items()},
        "reload": {key: statistics.median(v) for key, v in reloaded.items()},
        "titles": {section.key: section.title for section in SECTIONS},
        "peak_mb": peak_mb(),
    }


# -- the baseline ------------------------------------------------------------------------------


def baseline_ms(data_dir: Path, scratch: Path) -> tuple[list[float], int]:
    """Every replicated table's current rows, inserted into plain tables of the same columns
    (same pragmas as a store) with executemany, in one transaction."""
    from coopdesk.store.schema import TABLES
    from coopdesk.store.store import Store

    with Store.open(data_dir) as store:
        tables = {
            name: (
                ("id", *spec.column_names),
                store.conn.execute(
                    f"SELECT id, {', '.join(spec.column_names)} FROM {name}"
                ).fetchall(),
            )
            for name, spec in TABLES.items()
        }
    samples = []
    for run in range(BASELINE_RUNS):
        path = scratch / f"baseline-{run}.sqlite3"
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        for name, (columns, _rows) in tables.items():
            conn.execute(f"CREATE TABLE {name} ({', '.join(columns)}, PRIMARY KEY (id))")
        started = time.perf_counter()
        conn.execute("BEGIN")
        for name, (columns, rows) in tables.items():
            marks = ", ".join("?" * len(columns))
            conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
        conn.execute("COMMIT")
        samples.append((time.perf_counter() - started) * 1000)
        conn.close()
        path.unlink()
    return samples, sum(len(rows) for _columns, rows in tables.values())


def floor_ms(data_dir: Path, scratch: Path) -> tuple[list[float], int]:
    """What any join must do whatever its merge: the store's own tables (STRICT, with their
    indexes, built after the rows), its change log and its seals filled with executemany in
    one transaction, and every origin's chain of transaction digests computed to verify the
    seals. No triggers, no checks, no merge: the least a new site can do and still hold the
    log it relays and know the history is the one its sites signed."""
    from coopdesk.store import keys
    from coopdesk.store.schema import TABLES
    from coopdesk.store.store import Store

    names = ("_change", "_seal", *TABLES)
    with Store.open(data_dir) as store:
        conn = store.conn
        schema = conn.execute(
            "SELECT type, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL"
            " AND type IN ('table', 'index') AND name NOT LIKE 'sqlite%'"
        ).fetchall()
        rows = {name: conn.execute(f"SELECT * FROM {name}").fetchall() for name in names}
        log = conn.execute(
            "SELECT origin, seq, idx, hlc, author, tbl, row_id, op, cl, fields, versions"
            " FROM _change ORDER BY origin, seq, idx"
        ).fetchall()
    samples = []
    for run in range(BASELINE_RUNS):
        path = scratch / f"floor-{run}.sqlite3"
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        for kind, table, sql in schema:
            if kind == "table" and table in names:
                conn.execute(sql)
        started = time.perf_counter()
        conn.execute("BEGIN")
        for name in names:
            if rows[name]:
                marks = ", ".join("?" * len(rows[name][0]))
                conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows[name])
        for kind, table, sql in schema:
            if kind == "index" and table in names:
                conn.execute(sql)
        conn.execute("COMMIT")
        digest, transaction, key = keys.GENESIS_DIGEST, [], None
        for row in log:
            if (row[0], row[1]) != key:
                if transaction:
                    digest = keys.transaction_digest(digest, transaction)
                if key is None or row[0] != key[0]:
                    digest = keys.GENESIS_DIGEST
                key, transaction = (row[0], row[1]), []
            transaction.append(row)
        keys.transaction_digest(digest, transaction)
        samples.append((time.perf_counter() - started) * 1000)
        conn.close()
        path.unlink()
    return samples, sum(len(found) for found in rows.values())


# -- one coop ------------------------------------------------------------------------------------


def coopdesk_command() -> list[str]:
    script = Path(sys.executable).with_name("coopdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "coopdesk"]


def measure_coop(report: Report, years: int, table: dict[str, dict[int, str]]) -> None:
    from coop_years import cached_coop

    from coopdesk.store.store import Store

    def put(row: str, text: str) -> None:
        table.setdefault(row, {})[years] = text

    folder, note = cached_coop(cache_dir(), years)
    founder = (folder / "founder").read_text()
    label = f"{years} y"
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix="years-run-") as scratch_name:
        scratch = Path(scratch_name)
        kitchen = scratch / "kitchen"
        shutil.copytree(folder / "kitchen", kitchen)
        with Store.open(kitchen) as store:  # upgrades a store built by an older CoopDesk
            changes = store.conn.execute("SELECT count(*) FROM _change").fetchone()[0]
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size_mb = (kitchen / "coopdesk.sqlite3").stat().st_size / 1e6
        report.notes.append(f"{label}: {note}; {changes:,} change rows, {size_mb:.0f} MB")
        put("change rows", f"{changes / 1000:.1f}k")

        # Import into an empty site: a new computer for the Warehouse joins.
        samples, rows = baseline_ms(kitchen, scratch)
        base = statistics.median(samples)
        report.add(Result(f"{label}: baseline, executemany of {rows:,} rows", samples))
        floor_samples, floor_rows = floor_ms(kitchen, scratch)
        floor = statistics.median(floor_samples)
        report.add(
            Result(
                f"{label}: the least a join does (store's tables, log, seals, digests)",
                floor_samples,
                ratio=floor / base,
                note=f"{floor_rows:,} rows with the store's indexes, and the chains' digests",
            )
        )
        full = scratch / "full.coopsync"
        exported = in_process("export", str(kitchen), str(full))
        warehouse = scratch / "warehouse"
        in_process("empty-site", str(warehouse), str(folder / "warehouse.json"))
        joined = in_process("import", str(warehouse), str(full), "")
        ratio = joined["ms"] / base
        result = Result(
            f"{label}: import into an empty site",
            [joined["ms"]],
            ratio=ratio,
            note=f"{joined['entries']:,} changes, {joined['ms'] / floor:.1f}x the least a join"
            f" does; full export {exported['ms']:.0f} ms, {exported['bytes'] / 1e6:.1f} MB;"
            f" peak {joined['peak_mb']:.0f} MB",
        )
        if years == 10:
            result.target, result.ok = f"<= {IMPORT_RATIO:g}x baseline", ratio <= IMPORT_RATIO
        report.add(result)
        put(
            "import into an empty site (x plain insert)",
            f"{ratio:.1f}x ({joined['ms'] / 1000:.1f} s)",
        )
        put("the least a join does (x plain insert)", f"{floor / base:.1f}x")
        full.unlink()

        # The Warehouse tells the Kitchen it has everything, so bundles between them are deltas.
        with Store.open(kitchen) as store:
            kitchen_id = store.site_id
        hello = scratch / "hello.coopsync"
        in_process("export", str(warehouse), str(hello), kitchen_id)
        in_process("import", str(kitchen), str(hello), founder)
        hello.unlink()
        for store_dir in (kitchen, warehouse):
            with Store.open(store_dir) as store:
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        # The backups made so far today (by the import just done) are kept aside and linked
        # into each copy of the Kitchen: its next import finds the day's backup made.
        todays = scratch / "todays-backups"
        if (kitchen / "backups").exists():
            (kitchen / "backups").rename(todays)
        else:
            todays.mkdir()

        def kitchen_copy(run: str, with_todays_backups: bool) -> Path:
            target = scratch / f"kitchen-{run}"
            shutil.copytree(kitchen, target)
            if with_todays_backups:
                (target / "backups").mkdir()
                for made in todays.iterdir():
                    os.link(made, target / "backups" / made.name)
            return target

        # Weekly sync: the Warehouse's week, exported for the Kitchen and imported there.
        week = in_process("week", str(warehouse), founder)
        delta = scratch / "week.coopsync"
        out = in_process("export", str(warehouse), str(delta), kitchen_id)
        imports = []
        without_record = []
        previewed = []
        for run in range(SYNC_RUNS):
            target = kitchen_copy(str(run), with_todays_backups=True)
            imports.append(in_process("import", str(target), str(delta), founder))
            shutil.rmtree(target)
            target = kitchen_copy(f"{run}-no-undo", with_todays_backups=True)
            without_record.append(in_process("import", str(target), str(delta), founder, "no-undo"))
            shutil.rmtree(target)
            target = kitchen_copy(f"{run}-after-preview", with_todays_backups=True)
            previewed.append(
                in_process("import", str(target), str(delta), founder, "after-preview")
            )
            shutil.rmtree(target)
        target = kitchen_copy("due", with_todays_backups=False)
        due = in_process("import", str(target), str(delta), founder)
        shutil.rmtree(target)
        target = kitchen_copy("undo", with_todays_backups=True)
        undone = in_process("import", str(target), str(delta), founder, "then-undo")
        shutil.rmtree(target)
        target = kitchen_copy("undo-in-window", with_todays_backups=True)
        undone_in_window = in_process(
            "import", str(target), str(delta), founder, "then-undo-in-window"
        )
        shutil.rmtree(target)
        shutil.rmtree(todays)
        median_import = statistics.median(i["ms"] for i in imports)
        safety = statistics.median(i["safety_ms"] for i in imports)
        undo_setup = statistics.median(i["undo_setup_ms"] for i in imports)
        weekly = out["ms"] + median_import
        result = Result(
            f"{label}: weekly sync, export + import",
            [out["ms"] + i["ms"] for i in imports],
            note=f"{week['changes']:,} changes: export {out['ms']:.0f} ms + import "
            f"{median_import:.0f} ms, of which the backup {safety:.0f} ms and setting up"
            f" the undo record {undo_setup:.0f} ms; {out['bytes'] / 1000:.0f} kB",
        )
        if years == 10:
            result.target, result.ok = f"< {WEEKLY_LIMIT_MS:g} ms", weekly < WEEKLY_LIMIT_MS
        report.add(result)
        put(
            "weekly sync, export + import (of which the safety copy)",
            f"{weekly:.0f} ms ({safety:.0f})",
        )
        in_window = statistics.median(i["ms"] for i in previewed)
        report.add(
            Result(
                f"{label}: weekly import after its preview, as in the window",
                [i["ms"] for i in previewed],
                note=f"{median_import - in_window:.0f} ms of the import above is Python loading"
                " the modules that read a bundle, which the preview has loaded",
            )
        )
        put("weekly import after its preview (window)", f"{in_window:.0f} ms")
        report.add(
            Result(
                f"{label}: weekly import, no backup yet today",
                [due["ms"]],
                note=f"of which the safety copy {due['safety_ms']:.0f} ms",
            )
        )
        put(
            "weekly import, no backup yet today (the backup)",
            f"{due['ms']:.0f} ms ({due['safety_ms']:.0f})",
        )
        report.add(
            Result(
                f"{label}: taking the weekly import back, command line (its undo record)",
                [undone["take_back_ms"]],
                note=f"{undone['undo_rows']:,} rows kept",
            )
        )
        report.add(
            Result(
                f"{label}: taking it back in the window (the log copied back on its thread)",
                [undone_in_window["take_back_ms"]],
                note=f"the copy on the thread after it: {undone_in_window['checkpoint_ms']:.0f} ms"
                " (what the commit paid itself before)",
            )
        )
        put(
            "taking the weekly import back (command line / window)",
            f"{undone['take_back_ms']:.0f} / {undone_in_window['take_back_ms']:.0f} ms",
        )
        bare = statistics.median(i["ms"] for i in without_record)
        report.add(
            Result(
                f"{label}: weekly import without its undo record",
                [i["ms"] for i in without_record],
                note=f"the record costs {median_import - bare:.0f} ms of {median_import:.0f}",
            )
        )
        put("weekly import without / with its undo record", f"{bare:.0f} / {median_import:.0f} ms")
        backups = kitchen / "backups"
        shutil.rmtree(backups, ignore_errors=True)

        # Start-up: the window on the Kitchen's store against a bare window.
        env = offscreen_env(
            XDG_CONFIG_HOME=str(scratch / "config"),
            XDG_DATA_HOME=str(scratch / "xdg-data"),
            XDG_CACHE_HOME=str(scratch / "xdg-cache"),
            COOPDESK_DATA_DIR=str(kitchen),
        )
        commands = {
            "bare": [sys.executable, "-c", BARE_WINDOW],
            "self-test": [*coopdesk_command(), "--data-dir", str(kitchen), "self-test"],
        }
        timings = time_processes(commands, STARTUP_RUNS, env)
        ratio = statistics.median(timings["self-test"]) / statistics.median(timings["bare"])
        result = Result(
            f"{label}: start-up, self-test",
            timings["self-test"],
            ratio=ratio,
            note=f"bare window {statistics.median(timings['bare']):.0f} ms",
        )
        if years in STARTUP_RATIO:
            limit = STARTUP_RATIO[years]
            result.target, result.ok = f"<= {limit:g}x bare", ratio <= limit
        report.add(result)
        put("start-up (self-test / bare PySide6 window)", f"{ratio:.2f}x")

        # Every page: open (built, loaded, painted) and reload.
        pages = in_process("pages", str(kitchen))
        put("Today reload, runs on every write", f"{pages['reload']['today']:.0f} ms")
        for key, title in pages["titles"].items():
            opened, reloaded = pages["open"][key], pages["reload"][key]
            result = Result(
                f"{label}: {title} open / reload",
                [opened],
                note=f"reload {reloaded:.1f} ms",
            )
            if years == 10:
                result.target = f"< {PAGE_LIMIT_MS:g} ms"
                result.ok = max(opened, reloaded) < PAGE_LIMIT_MS
            report.add(result)
            put(f"{title} open / reload", f"{opened:.0f} / {reloaded:.0f} ms")

        # dump: its time, and the peak memory of its process alone.
        dumped = in_process("dump", str(kitchen))
        result = Result(
            f"{label}: dump", [dumped["ms"]], note=f"peak memory {dumped['peak_mb']:.0f} MB"
        )
        if years == 30:
            result.target = f"< {DUMP_LIMIT_MB:g} MB"
            result.ok = dumped["peak_mb"] < DUMP_LIMIT_MB
        report.add(result)
        put("dump time / peak memory", f"{dumped['ms'] / 1000:.2f} s / {dumped['peak_mb']:.0f} MB")
        put("peak memory: import into an empty site", f"{joined['peak_mb']:.0f} MB")


def run() -> Report:
    # Python caches compiled modules (.pyc) on a normal install; with PYTHONDONTWRITEBYTECODE
    # set (as on some CI machines) every process below would compile CoopDesk's modules
    # again, and start-up, export and import would time that too (as bench_foundation).
    compileall.compile_dir(str(ROOT / "coopdesk"), quiet=1)
    report = Report(
        "years of history: 300 members, 3 sites, 30 weekly templates, ~40 movements a day",
        notes=[
            "each export, import, dump and window in its own process; memory = its own VmHWM",
            "set COOPDESK_BENCH_30Y=1 for the 30-year coop (its first build takes long)",
        ],
    )
    table: dict[str, dict[int, str]] = {}
    for years in YEARS:
        measure_coop(report, years, table)
    header = f"{'':58}" + "".join(f"{f'{years} y':>22}" for years in YEARS)
    report.notes += ["", header]
    for row, cells in table.items():
        report.notes.append(f"{row:58}" + "".join(f"{cells.get(y, ''):>22}" for y in YEARS))
    return report


if __name__ == "__main__":
    # COOPDESK_BENCH_PROFILE=DIR: each worker also writes DIR/<action>-<pid>.prof (cProfile).
    profile_dir = os.environ.get("COOPDESK_BENCH_PROFILE")
    if profile_dir:
        import cProfile

        profiler = cProfile.Profile()
        figures = profiler.runcall(worker, sys.argv[1], *sys.argv[2:])
        profiler.dump_stats(Path(profile_dir) / f"{sys.argv[1]}-{os.getpid()}.prof")
    else:
        figures = worker(sys.argv[1], *sys.argv[2:])
    print(json.dumps(figures))
