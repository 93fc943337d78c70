"""A coop of several sites in temporary folders, for sync tests.

Sites join as they would from an invitation, minus the passphrase (scrypt is slow on
purpose, and these tests make many coops). Bundles are real files, imported through the
same functions the window and the command line use.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path

from coopdesk.base.paths import store_path
from coopdesk.coop.coop import start_coop
from coopdesk.store.dump import dump_json
from coopdesk.store.store import Store
from coopdesk.sync.export import export_bundle
from coopdesk.sync.importing import ImportResult, import_bundle
from coopdesk.sync.invite import join_with_secrets, new_site_secrets

_names = itertools.count(1)


def fast_tmp_root() -> Path:
    """tmpfs when there is one: fsync is free there, and sync tests fsync a lot."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="coopdesk-test-", dir=base))


class Federation:
    def __init__(self, root: Path, stores: dict[str, Store], ana: str) -> None:
        self.root = root
        self.sites = stores
        self.ana = ana

    @classmethod
    def create(cls, root: Path, names: list[str]) -> Federation:
        root.mkdir(parents=True, exist_ok=True)
        first = start_coop(root / names[0], "Test Coop", names[0], "Ana")
        ana = str(first.local_get("default_member_id"))
        stores = {names[0]: first}
        for name in names[1:]:
            snapshot = root / f"snapshot-{name}.coopsync"
            secrets = new_site_secrets(first, ana, name, snapshot)
            stores[name], _result = join_with_secrets(root / name, secrets, snapshot)
            snapshot.unlink()
        federation = cls(root, stores, ana)
        federation.sync_all()
        return federation

    def copy_to(self, root: Path) -> Federation:
        """An independent copy of every site's store (the same site ids)."""
        root.mkdir(parents=True, exist_ok=True)
        copies = {}
        for name, store in self.sites.items():
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            (root / name).mkdir()
            shutil.copy2(store.path, store_path(root / name))
            copies[name] = Store.open(root / name)
        return Federation(root, copies, self.ana)

    def close(self) -> None:
        for store in self.sites.values():
            store.close()

    def __getitem__(self, name: str) -> Store:
        return self.sites[name]

    def export(self, name: str, for_name: str | None = None, full: bool = False) -> Path:
        path = self.root / f"bundle-{next(_names)}.coopsync"
        for_site = self.sites[for_name].site_id if for_name else None
        export_bundle(self.sites[name], path, for_site=for_site, full=full)
        return path

    def deliver(self, path: Path, to_name: str) -> ImportResult:
        return import_bundle(self.sites[to_name], path, author=self.ana, backup=False)

    def sync_all(self) -> None:
        """Every site exports what any site may lack; every site imports every bundle."""
        bundles = {name: self.export(name) for name in self.sites}
        for name in self.sites:
            for sender, path in bundles.items():
                if sender != name:
                    self.deliver(path, name)
        for path in bundles.values():
            path.unlink()

    def dumps(self) -> dict[str, str]:
        return {name: dump_json(store) for name, store in self.sites.items()}

    def converged(self) -> bool:
        return len(set(self.dumps().values())) == 1
