"""Run an import (or an export) and SIGKILL this process at the Nth SQL statement.

Used by tests/sync/test_crash.py: ``python tests/sync/crash_import.py import DATA_DIR FILE N``. With
N = 0 nothing is killed and the number of statements is printed, to choose kill points.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from coopdesk.store.store import Store
from coopdesk.sync.export import export_bundle
from coopdesk.sync.importing import import_bundle


def main() -> None:
    action, data_dir, file, kill_at = (
        sys.argv[1],
        Path(sys.argv[2]),
        Path(sys.argv[3]),
        int(sys.argv[4]),
    )
    store = Store.open(data_dir)
    count = 0

    def trace(_statement: str) -> None:
        nonlocal count
        count += 1
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    store.conn.set_trace_callback(trace)
    if action == "import":
        import_bundle(store, file, backup=True)
    else:
        export_bundle(store, file)
    store.conn.execute("SELECT 1")  # one statement after the commit: a kill here is "after"
    print(count)


if __name__ == "__main__":
    main()
