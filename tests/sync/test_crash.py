"""A power cut in the middle of an import or an export never leaves a broken store.

The import runs in a subprocess that SIGKILLs itself at the Nth SQL statement (and, for a
few runs, after a random delay). After each kill the store must pass ``check`` and dump
exactly as before the import or exactly as after it, and importing again must work.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coopdesk.store.check import check_store
from coopdesk.store.dump import dump_json
from coopdesk.store.store import Store
from coopdesk.sync.bundle import read_envelope
from coopdesk.sync.importing import import_bundle
from coopdesk.sync.trust import trust_of
from tests.sync_helpers import Federation, fast_tmp_root

SCRIPT = Path(__file__).with_name("crash_import.py")
ROOT = Path(__file__).resolve().parents[2]
KILL_POINTS = int(os.environ.get("COOPDESK_CRASH_POINTS", "30"))


def run_script(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.fixture(scope="module")
def scenario():
    root = fast_tmp_root()
    coop = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    kitchen, warehouse = coop["Kitchen"], coop["Warehouse"]
    with kitchen.transaction(coop.ana) as tx:
        shared = [tx.insert("member", {"name": f"Shared {n}"}) for n in range(30)]
    coop.sync_all()
    for number, member in enumerate(shared):
        with warehouse.transaction(coop.ana) as tx:
            tx.update("member", member, {"phone": f"W{number}", "notes": "from the warehouse"})
            if number % 7 == 0:
                tx.archive("member", member)
        if number % 3 == 0:
            with kitchen.transaction(coop.ana) as tx:
                tx.update("member", member, {"phone": f"K{number}"})
    with warehouse.transaction(coop.ana) as tx:
        for number in range(150):
            tx.insert("member", {"name": f"New {number}", "skills": ["cooking"]})
    bundle = coop.export("Warehouse", "Kitchen")
    kitchen.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pristine = root / "pristine"
    shutil.copytree(kitchen.path.parent, pristine)
    before = dump_json(kitchen)
    import_bundle(kitchen, bundle, backup=False)
    after = dump_json(kitchen)
    assert before != after
    coop.close()
    yield root, pristine, bundle, before, after
    shutil.rmtree(root, ignore_errors=True)


def fresh_copy(root: Path, pristine: Path, name: str) -> Path:
    target = root / name
    shutil.copytree(pristine, target)
    return target


def assert_before_or_after(data_dir: Path, before: str, after: str) -> str:
    store = Store.open(data_dir)
    try:
        assert check_store(store) == []
        dump = dump_json(store)
        assert dump in (before, after)
        return "after" if dump == after else "before"
    finally:
        store.close()


def test_a_killed_import_leaves_the_store_as_before_or_as_after(scenario):
    root, pristine, bundle, before, after = scenario
    counting = run_script("import", str(fresh_copy(root, pristine, "count")), str(bundle), "0")
    output, errors = counting.communicate(timeout=120)
    assert counting.returncode == 0, errors
    total = int(output.strip().splitlines()[-1])
    assert total > 20
    rng = random.Random(11)
    points = sorted({1, 2, total - 1, total, *rng.sample(range(1, total), KILL_POINTS)})
    outcomes = set()
    for point in points:
        data_dir = fresh_copy(root, pristine, f"kill-{point}")
        process = run_script("import", str(data_dir), str(bundle), str(point))
        process.communicate(timeout=120)
        assert process.returncode == -signal.SIGKILL, point
        outcomes.add(assert_before_or_after(data_dir, before, after))
        store = Store.open(data_dir)
        import_bundle(store, bundle, backup=False)
        assert dump_json(store) == after
        store.close()
        shutil.rmtree(data_dir)
    assert outcomes == {"before", "after"}


def test_a_kill_at_a_random_moment_is_as_safe(scenario):
    root, pristine, bundle, before, after = scenario
    rng = random.Random(5)
    for attempt in range(6):
        data_dir = fresh_copy(root, pristine, f"delay-{attempt}")
        process = run_script("import", str(data_dir), str(bundle), "0")
        time.sleep(rng.uniform(0.2, 1.0))
        process.kill()
        process.communicate(timeout=60)
        assert_before_or_after(data_dir, before, after)
        shutil.rmtree(data_dir)


def test_a_killed_export_never_leaves_a_partial_bundle_under_its_name(scenario):
    root, pristine, _bundle, _before, _after = scenario
    rng = random.Random(3)
    for attempt in range(6):
        data_dir = fresh_copy(root, pristine, f"export-{attempt}")
        target = root / f"export-{attempt}.coopsync"
        process = run_script("export", str(data_dir), str(target), "0")
        time.sleep(rng.uniform(0.1, 0.8))
        process.kill()
        process.communicate(timeout=60)
        if target.exists():
            store = Store.open(data_dir)
            read_envelope(target, trust_of(store))  # complete and valid, or absent
            store.close()
        assert_store_ok(data_dir)
        shutil.rmtree(data_dir)


def assert_store_ok(data_dir: Path) -> None:
    store = Store.open(data_dir)
    try:
        assert check_store(store) == []
    finally:
        store.close()
