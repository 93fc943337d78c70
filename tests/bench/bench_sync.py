"""Sync targets: bundles of a big coop are fast, small, and never load everything at once.

Targets (issue "sync bundles"), for a store of 100,000 rows of six fields (about 600,000
field changes), against a baseline measured in the same run — inserting the same rows into
a plain SQLite table with ``executemany``:

- a full export, and its import into an empty site: each within 3x the baseline;
- an incremental bundle of 10% changed rows (some also changed at the receiving site, so
  the merge meets conflicts), exported and merged: within 0.5x the baseline;
- the full bundle is under 5 MB;
- peak memory of an export or import process under 300 MB.

Shifts do not exist yet (a later issue adds them); members have exactly six replicated
fields, so the store holds 100,000 members instead. Rows are written through the real
write path in transactions of 1,000, as an import of a member list would.

Export and import each run in a fresh process, so that its peak memory (``ru_maxrss``) is
its own; the time is measured inside that process (without Python's start-up).
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
for entry in (str(ROOT), str(HERE)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from harness import Report, Result, cache_dir, run_worker  # noqa: E402

from coopdesk import __version__  # noqa: E402
from coopdesk.store.migrations import SCHEMA_VERSION  # noqa: E402

ROWS = 100_000
TRANSACTION_ROWS = 1_000
CHANGED_SHARE = 0.10
CONFLICT_SHARE = 0.10  # of the changed rows, also changed at the receiving site
BUILD_VERSION = 2
SEED = 1871
BASELINE_RUNS = 3
FULL_RATIO = 3.0
INCREMENTAL_RATIO = 0.5
SIZE_LIMIT_MB = 5.0
MEMORY_LIMIT_MB = 300.0

FIRST = ("Ana", "Tomás", "Li Wei", "Fatima", "Jonas", "Priya", "Kwame", "Sofia", "Mateo", "Noor")
LAST = ("García", "Nguyen", "Haddad", "Okonkwo", "Kowalski", "Silva", "Mensah", "Novak", "Sato")
SKILLS = ("cooking", "driving", "first aid", "bookkeeping", "forklift", "childcare", "IT")


# -- building the stores (cached) ---------------------------------------------------------------


def member_rows(sites: list[str]) -> list[tuple]:
    rng = random.Random(SEED)
    rows = []
    for serial in range(ROWS):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        email = f"m{serial}@example.org" if rng.random() < 0.8 else ""
        phone = f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        skills = json.dumps(sorted(rng.sample(SKILLS, rng.randint(0, 2))), ensure_ascii=False)
        notes = "prefers mornings" if rng.random() < 0.2 else ""
        rows.append((name, email, phone, skills, rng.choice(sites), notes))
    return rows


def build(folder: Path) -> None:
    """Site A with 100,000 members; site B joined with a full copy; B's secrets kept."""
    from coopdesk.coop.coop import add_site, start_coop
    from coopdesk.sync.invite import join_with_secrets, new_site_secrets

    folder.mkdir(parents=True)
    a = start_coop(folder / "a", "Bench Coop", "Kitchen", "Ana")
    ana = str(a.local_get("default_member_id"))
    sites = [a.site_id, add_site(a, ana, "Market"), add_site(a, ana, "Garden")]
    columns = ("name", "email", "phone", "skills", "home_site_id", "notes")
    rows = member_rows(sites)
    for start in range(0, ROWS, TRANSACTION_ROWS):
        with a.transaction(ana) as tx:
            for row in rows[start : start + TRANSACTION_ROWS]:
                tx.insert("member", dict(zip(columns, row, strict=True)))
    secrets = new_site_secrets(a, ana, "Warehouse", folder / "snapshot.coopsync")
    (folder / "secrets.json").write_text(json.dumps(secrets))
    b, _result = join_with_secrets(folder / "b", secrets, folder / "snapshot.coopsync")
    (folder / "snapshot.coopsync").unlink()
    # B has sent A a bundle since, so A knows what B has: A's next bundle for B is a delta.
    from coopdesk.sync.export import export_bundle
    from coopdesk.sync.importing import import_bundle

    export_bundle(b, folder / "hello.coopsync", for_site=a.site_id)
    import_bundle(a, folder / "hello.coopsync", author=ana, backup=False)
    (folder / "hello.coopsync").unlink()
    (folder / "ana").write_text(ana)
    for store in (a, b):
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()


def cached_stores() -> Path:
    key = f"sync-v{BUILD_VERSION}-schema{SCHEMA_VERSION}-{__version__}-{ROWS}"
    folder = cache_dir() / key
    if not (folder / "ana").exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        build(folder)
        print(f"   built the bench stores in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


# -- the baseline -----------------------------------------------------------------------------


def baseline_ms(rows: list[tuple], scratch: Path) -> float:
    """Insert the same rows into a plain table (same pragmas as a store), in one go."""
    path = scratch / f"baseline-{time.perf_counter_ns()}.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(
        "CREATE TABLE member (id TEXT PRIMARY KEY, name TEXT, email TEXT, phone TEXT,"
        " skills TEXT, home_site_id TEXT, notes TEXT)"
    )
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO member VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    elapsed = (time.perf_counter() - start) * 1000
    conn.close()
    return elapsed


# -- workers (run in their own process) ----------------------------------------------------------


def worker(action: str, *args: str) -> dict[str, float]:
    from coopdesk.store.store import Store
    from coopdesk.sync.export import export_bundle
    from coopdesk.sync.importing import import_bundle

    if action == "export":
        store = Store.open(Path(args[0]))
        for_site = args[2] if len(args) > 2 and args[2] else None
        start = time.perf_counter()
        result = export_bundle(store, Path(args[1]), for_site=for_site, full=not for_site)
        elapsed = time.perf_counter() - start
        figures = {"entries": result.entries, "bytes": result.size}
    elif action == "import":
        from coopdesk.sync.importing import daily_backup

        _switch_off(os.environ.get("COOPDESK_BENCH_WITHOUT", ""))
        store = Store.open(Path(args[0]))
        checkpoints = None
        if len(args) > 3 and args[3] == "window":  # the log copied back on a thread
            from coopdesk.store.checkpoints import BackgroundCheckpoints

            checkpoints = BackgroundCheckpoints(store.path, store.conn)
        # What import_bundle does by default: the checks and the merge, keeping its undo
        # record (the safety a whole backup before every import gave, until issue 14), then
        # the day's backup when none was made today: timed apart, as it is at most daily.
        start = time.perf_counter()
        result = import_bundle(
            store, Path(args[1]), author=args[2] if len(args) > 2 else None, backup=False
        )
        elapsed = time.perf_counter() - start
        if checkpoints is not None:
            checkpoints.close()
        backing_up = time.perf_counter()
        daily_backup(store, result.site_name)
        figures = {
            "entries": result.report.new_entries,
            "conflicts": result.report.conflicts_after,
            "backup_ms": (time.perf_counter() - backing_up) * 1000,
        }
    elif action == "empty-site":
        from coopdesk.sync.invite import join_with_secrets  # noqa: F401  (same imports as a join)

        secrets = json.loads(Path(args[1]).read_text())
        store = Store.create(Path(args[0]), site_id=secrets["site_id"])
        for key in ("coop_id", "root_public", "bundle_key", "site_private"):
            store.local_set(key, secrets[key])
        store.local_set("site_certificate", json.dumps(secrets["site_certificate"]))
        store.close()
        return {}
    else:
        raise SystemExit(f"unknown action {action}")
    store.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"ms": elapsed * 1000, "peak_mb": peak_kb / 1024, **figures}


def _switch_off(what: str) -> None:
    """For measuring what trust costs: "seals" skips chaining and verifying each origin's
    seals (every origin accepted), "rules" skips the merge's rules (nothing held)."""
    from coopdesk.store.merging import Merge
    from coopdesk.sync import merge

    if "seals" in what:
        merge.SealChains.add = lambda self, row: None

        def accept_all(store, merge_, envelope, trust, chains, accepted, report):
            return accepted

        merge._verify_origins = accept_all
    if "rules" in what:
        Merge.check_rules = lambda self: {}
        Merge.check_applied = lambda self: {}
        Merge.set_aside_revoked = lambda self: {}


def in_process(action: str, *args: str, without: str = "") -> dict[str, float]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE}",
        "COOPDESK_BENCH_WITHOUT": without,
    }
    return run_worker(str(Path(__file__)), action, args, env, timeout=600)


# -- the benchmark --------------------------------------------------------------------------------


def make_incremental_changes(a_dir: Path, b_dir: Path, ana: str) -> None:
    """10% of the rows change at A; a tenth of those change at B too (conflicts)."""
    from coopdesk.store.store import Store

    rng = random.Random(SEED + 1)
    with Store.open(a_dir) as a, Store.open(b_dir) as b:
        ids = [row[0] for row in a.conn.execute("SELECT id FROM member ORDER BY id")]
        changed = rng.sample(ids, int(len(ids) * CHANGED_SHARE))
        for start in range(0, len(changed), TRANSACTION_ROWS):
            with a.transaction(ana) as tx:
                for member in changed[start : start + TRANSACTION_ROWS]:
                    tx.update("member", member, {"phone": f"+44 20 {rng.randint(1000, 9999)}"})
        both = changed[: int(len(changed) * CONFLICT_SHARE)]
        with b.transaction(ana) as tx:
            for member in both:
                tx.update("member", member, {"phone": f"+33 1 {rng.randint(1000, 9999)}"})


def run() -> Report:
    report = Report(
        "sync: 100,000 rows of six fields (~600,000 field changes)",
        notes=[
            "baseline: the same 100,000 rows inserted into a plain table with executemany",
            "export/import time measured inside their own process; memory = its peak RSS",
        ],
    )
    cached = cached_stores()
    ana = (cached / "ana").read_text()
    with tempfile.TemporaryDirectory(dir=cached.parent) as scratch_name:
        scratch = Path(scratch_name)
        from coopdesk.store.store import Store

        with Store.open(cached / "a") as a:
            rows = a.conn.execute(
                "SELECT id, name, email, phone, skills, home_site_id, notes FROM member"
            ).fetchall()
        baselines = [baseline_ms(rows, scratch) for _ in range(BASELINE_RUNS)]
        base = sorted(baselines)[len(baselines) // 2]
        report.add(Result("baseline: executemany of 100,000 rows", baselines))

        full = scratch / "full.coopsync"
        exported = in_process("export", str(cached / "a"), str(full))
        report.add(
            Result(
                "full export",
                [exported["ms"]],
                target=f"<= {FULL_RATIO:g}x baseline",
                ratio=exported["ms"] / base,
                ok=exported["ms"] <= FULL_RATIO * base,
                note=f"{int(exported['entries']):,} changes",
            )
        )
        size_mb = exported["bytes"] / 1_000_000
        report.notes.append(
            f"full bundle: {size_mb:.2f} MB (target < {SIZE_LIMIT_MB:g} MB: "
            f"{'PASS' if size_mb < SIZE_LIMIT_MB else 'OVER'})"
        )

        empty = scratch / "empty-site"
        in_process("empty-site", str(empty), str(cached / "secrets.json"))
        imported = in_process("import", str(empty), str(full))
        report.add(
            Result(
                "import into an empty site",
                [imported["ms"]],
                target=f"<= {FULL_RATIO:g}x baseline",
                ratio=imported["ms"] / base,
                ok=imported["ms"] <= FULL_RATIO * base,
                note=f"{int(imported['entries']):,} changes",
            )
        )

        # What trust costs: the same import without checking seals, and without the rules.
        for without, label in (
            ("seals", "without seals"),
            ("seals,rules", "without seals or rules"),
        ):
            bare = scratch / f"empty-site-{without.replace(',', '-')}"
            in_process("empty-site", str(bare), str(cached / "secrets.json"))
            plain = in_process("import", str(bare), str(full), without=without)
            report.add(
                Result(
                    f"import into an empty site, {label}",
                    [plain["ms"]],
                    ratio=plain["ms"] / base,
                    note=f"checking costs {imported['ms'] / plain['ms']:.2f}x this",
                )
            )

        a_dir, b_dir = scratch / "a", scratch / "b"
        shutil.copytree(cached / "a", a_dir)
        shutil.copytree(cached / "b", b_dir)
        make_incremental_changes(a_dir, b_dir, ana)
        with Store.open(b_dir) as b:
            b_site = b.site_id
        delta = scratch / "delta.coopsync"
        out = in_process("export", str(a_dir), str(delta), b_site)
        b_copy = scratch / "b-in-window"
        shutil.copytree(b_dir, b_copy)
        merged = in_process("import", str(b_dir), str(delta), ana)
        in_window = in_process("import", str(b_copy), str(delta), ana, "window")
        both = out["ms"] + merged["ms"]
        report.add(
            Result(
                "incremental 10%: export + merge",
                [both],
                target=f"<= {INCREMENTAL_RATIO:g}x baseline",
                ratio=both / base,
                ok=both <= INCREMENTAL_RATIO * base,
                note=f"export {out['ms']:.0f} ms + import {merged['ms']:.0f} ms (and after it"
                f" the day's backup, {merged['backup_ms']:.0f} ms), "
                f"{int(out['entries']):,} changes, {int(merged['conflicts']):,} conflicts, "
                f"{out['bytes'] / 1000:.0f} kB",
            )
        )
        report.add(
            Result(
                "incremental 10%: export + merge in the window",
                [out["ms"] + in_window["ms"]],
                ratio=(out["ms"] + in_window["ms"]) / base,
                note=f"import {in_window['ms']:.0f} ms: the window copies the write-ahead log"
                " back on a thread of its own, after the import's commit",
            )
        )
        peak = max(exported["peak_mb"], imported["peak_mb"], out["peak_mb"], merged["peak_mb"])
        report.notes.append(
            f"peak memory: export {exported['peak_mb']:.0f} MB, import {imported['peak_mb']:.0f}"
            f" MB, incremental {max(out['peak_mb'], merged['peak_mb']):.0f} MB "
            f"(target < {MEMORY_LIMIT_MB:g} MB: {'PASS' if peak < MEMORY_LIMIT_MB else 'OVER'})"
        )
        report.notes.append("for comparison, cr-sqlite's merge of the same data: 24x baseline")
    return report


if __name__ == "__main__":
    print(json.dumps(worker(sys.argv[1], *sys.argv[2:])))
