"""The sync folder: a folder that Syncthing (or any file-sync tool) keeps in step between sites.

Each site writes its outgoing bundles there and imports every new bundle the other sites
wrote, with the same checks and the same backup as a USB stick. CoopDesk speaks no network
protocol: the file-sync tool moves the files. The rules that make that safe:

- **Names never clash.** A bundle is ``<site name>_<site id>_<bundle number>.coopsync``: only
  that site ever writes that name, and never twice (its bundle number only goes up). A file
  whose name and header disagree is a fault, refused.
- **Nothing half-written is ever read or synced.** A bundle is made beside the store (or,
  on another drive, under a name Syncthing never syncs, ``.syncthing.*.tmp``), read back and
  verified, then renamed in. Hidden files, Syncthing's own temporary files (``.syncthing.*.tmp``,
  ``~syncthing~*``), other tools' partial files and a file changed in the last two seconds
  are never read.
- **Conflict copies are named.** A bundle is written once and never changed, so a
  ``.sync-conflict-*`` copy is either the same bytes as its original (a duplicate: removed,
  and said) or different (a fault: reported, kept, never imported).
- **The live store never lives in a synced folder.** ``set_sync_folder`` refuses a sync
  folder inside the data folder (or holding it), and a data folder inside a Syncthing folder
  (a ``.stfolder`` in it or any parent).
- **One bundle per burst.** The window (and ``coopdesk sync-folder watch``) exports after a
  quiet period (``QuietPeriod``), and only when there is something to say: changes a site on
  the folder lacks, or a version vector the others have not been told (that is how they learn
  their bundles arrived).
- **Tidy.** A site removes its own bundles once every other site on the folder has
  acknowledged them (the version vector in a bundle it sent back covers the bundle's), after a
  grace period; never another site's bundle.

Which files were imported, refused or are waiting is kept in the store's local settings
(``_local``, never synced): ``sync_folder.path`` and ``sync_folder.state``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coopdesk.base.errors import CoopDeskError, ValidationError
from coopdesk.base.files import shorten_name
from coopdesk.base.i18n import _
from coopdesk.base.text import plural, shown
from coopdesk.store.changes import Changes
from coopdesk.store.store import Store
from coopdesk.sync.identity import written_here
from coopdesk.sync.peers import base_for, peer_vector

if TYPE_CHECKING:
    from coopdesk.sync.export import ExportResult
    from coopdesk.sync.importing import ImportResult

# The bundle's suffix (coopdesk.sync.SUFFIX): bundles, export and import are loaded
# only when a bundle is read or written, so the window's Today and Sync pages open fast.
SUFFIX = ".coopsync"

PATH_KEY = "sync_folder.path"
STATE_KEY = "sync_folder.state"
SYNCTHING_MARKER = ".stfolder"
# A file changed this recently may still be being written by a tool that writes in place.
SETTLE_SECONDS = 2.0
# How long a bundle every site has acknowledged stays, in case a site restores a backup.
GRACE_SECONDS = 3 * 86400
# After a local change, wait until nothing has changed for this long, then export once.
QUIET_SECONDS = 3.0
POLL_SECONDS = 2.0
# How many refusals and notes the state keeps (the newest).
KEEP_NOTES = 50

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
BUNDLE_NAME = re.compile(rf"_(?P<site>{_UUID})_(?P<seq>\d{{1,12}}){re.escape(SUFFIX)}$")
# Syncthing names a conflict copy "<stem>.sync-conflict-<date>-<time>-<device><ext>".
CONFLICT_COPY = re.compile(
    r"^(?P<stem>.*)\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}(?P<ext>\.[^.]*)?$"
)


class SyncFolderError(ValidationError):
    """A sync folder that cannot be used (inside the data folder, missing, ...)."""


# -- the setting -------------------------------------------------------------------------------


def data_folder(store: Store) -> Path:
    return store.path.parent.resolve()


def sync_folder(store: Store) -> Path | None:
    """The coop's sync folder on this computer, or None when it is off."""
    value = store.local_get(PATH_KEY)
    return Path(value) if isinstance(value, str) and value else None


def syncthing_folder_around(path: Path) -> Path | None:
    """The Syncthing folder ``path`` is in (it or a parent holds ``.stfolder``), or None."""
    for folder in (path, *path.parents):
        with contextlib.suppress(OSError):
            if (folder / SYNCTHING_MARKER).exists():
                return folder
    return None


def check_data_folder(store: Store) -> None:
    """Refuse to sync while the live store itself sits in a Syncthing folder."""
    data = data_folder(store)
    synced = syncthing_folder_around(data)
    if synced is not None:
        raise SyncFolderError(
            _(
                "This site's data folder {data} is inside the Syncthing folder {synced}. "
                "A live store must never be synced as a file (two computers would "
                "overwrite each other's data). Move the data folder out of it (coopdesk "
                "--data-dir), and share only an empty folder for bundles."
            ).format(data=data, synced=synced)
        )


def set_sync_folder(store: Store, path: Path | str) -> Path:
    """Make ``path`` this site's sync folder (it must exist); returns it, resolved."""
    text = os.fspath(path)
    if not text.strip():
        raise SyncFolderError(_("Say which folder to use: no folder was given."))
    folder = Path(text).expanduser().resolve()
    if not folder.is_dir():
        what = _("is a file, not a folder") if folder.exists() else _("does not exist")
        raise SyncFolderError(
            _(
                "{folder} {what}. Create the folder your file-sync tool (Syncthing) "
                "shares, then choose it."
            ).format(folder=folder, what=what)
        )
    data = data_folder(store)
    if folder == data or data in folder.parents:
        raise SyncFolderError(
            _(
                "{folder} is inside this site's data folder {data}. Choose a folder "
                "outside it: the file-sync tool must never see the live store or its "
                "backups."
            ).format(folder=folder, data=data)
        )
    if folder in data.parents:
        raise SyncFolderError(
            _(
                "This site's data folder {data} is inside {folder}. The file-sync tool "
                "would copy the live store to the other sites and break it. Choose a "
                "folder that holds only bundles."
            ).format(data=data, folder=folder)
        )
    check_data_folder(store)
    if not os.access(folder, os.W_OK):
        raise SyncFolderError(
            _("{folder} cannot be written to. Choose a folder you can write.").format(folder=folder)
        )
    with store.local_transaction():
        if sync_folder(store) != folder:
            store.local_set(STATE_KEY, json.dumps(_empty_state()))
        store.local_set(PATH_KEY, str(folder))
    return folder


def turn_off(store: Store) -> Path | None:
    """Stop using the sync folder (its files stay); returns the folder it was."""
    was = sync_folder(store)
    with store.local_transaction():
        store.local_set(PATH_KEY, "")  # empty: off (local settings are set, not deleted)
        store.local_set(STATE_KEY, "")
    return was


def require_folder(store: Store) -> Path:
    folder = sync_folder(store)
    if folder is None:
        raise SyncFolderError(
            _(
                "This site has no sync folder. Choose one with coopdesk sync-folder set "
                "PATH (or on the Sync page)."
            )
        )
    if not folder.is_dir():
        raise SyncFolderError(
            _(
                "The sync folder {folder} is not there (a drive not mounted, or the "
                "folder moved). Nothing was read or written; check it, or choose it "
                "again."
            ).format(folder=folder)
        )
    check_data_folder(store)
    return folder


# -- names -------------------------------------------------------------------------------------


def bundle_file_name(store: Store, bundle_seq: int) -> str:
    """``Kitchen_<site id>_000012.coopsync``: only this site writes it, and only once."""
    here = store.get("site", store.site_id)
    name = here["name"] if here else "site"
    slug = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-") or "site"
    slug = shorten_name(slug, 60)
    return f"{slug}_{store.site_id}_{bundle_seq:06d}{SUFFIX}"


def parse_bundle_name(name: str) -> tuple[str, int] | None:
    """``(site id, bundle number)`` of a sync-folder bundle's name, or None."""
    match = BUNDLE_NAME.search(name)
    return (match["site"], int(match["seq"])) if match else None


def is_never_read(name: str) -> bool:
    """Temporary, hidden and partial files: the file-sync tool's and ours."""
    return (
        name.startswith((".", "~syncthing~", "~"))
        or name.endswith((".tmp", ".partial", ".part", ".crdownload", "~"))
        or not name.endswith(SUFFIX)
    )


def conflict_original(name: str) -> str | None:
    """The name a ``.sync-conflict-…`` copy was made of, or None for any other name."""
    match = CONFLICT_COPY.match(name)
    return f"{match['stem']}{match['ext'] or ''}" if match else None


# -- state -------------------------------------------------------------------------------------


def _empty_state() -> dict[str, Any]:
    return {
        "imported": {},  # file name -> [size, mtime_ns]
        "refused": {},  # file name -> {"reason", "at", "size", "mtime_ns", "waiting"}
        "last_in": {},  # site id -> {"name", "at"}
        "last_out": None,  # {"name", "at", "vv", "base", "entries", "bytes"}
        "outgoing": {},  # our file name -> {"vv", "at"}
        "folder_sites": [],  # sites whose bundles came through the folder
        "notes": [],  # [at, text]: duplicates removed, files tidied
    }


def load_state(store: Store) -> dict[str, Any]:
    raw = store.local_get(STATE_KEY)
    state = _empty_state()
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):
            loaded = json.loads(raw)
            if isinstance(loaded, dict):
                state.update(loaded)
    return state


def save_state(store: Store, state: dict[str, Any]) -> None:
    state["notes"] = state["notes"][-KEEP_NOTES:]
    with store.local_transaction():
        store.local_set(STATE_KEY, json.dumps(state, sort_keys=True))


def _note(state: dict[str, Any], text: str, now: float) -> None:
    state["notes"].append([now, text])


# -- what is in the folder ---------------------------------------------------------------------


@dataclass(frozen=True)
class FolderFile:
    path: Path
    size: int
    mtime_ns: int

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def key(self) -> list[int]:
        return [self.size, self.mtime_ns]


def _files(folder: Path) -> Iterator[FolderFile]:
    """Regular files directly in the folder (a bundle is never in a subfolder)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False):
                stat = entry.stat(follow_symlinks=False)
                yield FolderFile(Path(entry.path), stat.st_size, stat.st_mtime_ns)


def _ours(store: Store, parsed: tuple[str, int] | None) -> bool:
    """A bundle file this store's own history wrote (never imported from the folder)."""
    return parsed is not None and written_here(store, *parsed)


def _same_bytes(one: Path, other: Path) -> bool:
    with one.open("rb") as a, other.open("rb") as b:
        while True:
            block_a, block_b = a.read(1 << 20), b.read(1 << 20)
            if block_a != block_b:
                return False
            if not block_a:
                return True


# -- importing ---------------------------------------------------------------------------------


@dataclass
class PassResult:
    """What one look at the folder did."""

    imported: list[ImportResult] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # file name -> why
    waiting: dict[str, str] = field(default_factory=dict)
    duplicates_removed: list[str] = field(default_factory=list)
    tidied: list[str] = field(default_factory=list)
    exported: ExportResult | None = None

    @property
    def changes(self) -> Changes:
        """The tables the imports changed, as one ``Changes`` for the window."""
        tables: set[str] = set()
        for result in self.imported:
            tables |= result.changed_tables
        return Changes.of(tables, source="import")

    @property
    def new_changes(self) -> int:
        return sum(result.report.new_entries for result in self.imported)

    def lines(self) -> list[str]:
        lines = [result.summary() for result in self.imported if result.report.new_entries]
        for result in self.imported:
            lines += result.not_applied
        lines += [
            _("{name}: {reason}").format(name=shown(name), reason=reason)
            for name, reason in sorted(self.refused.items())
        ]
        lines += [
            _(
                "{name} is a duplicate copy the file-sync tool made (the same bytes as the "
                "bundle); it was removed."
            ).format(name=shown(name))
            for name in self.duplicates_removed
        ]
        if self.tidied:
            lines.append(
                _(
                    "Removed {bundles} of this site that every site on the folder has received."
                ).format(bundles=plural(len(self.tidied), "bundle"))
            )
        if self.exported:
            lines.append(
                _("Wrote {bundle} ({changes}).").format(
                    bundle=self.exported.path.name, changes=plural(self.exported.entries, "change")
                )
            )
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": [result.as_json() for result in self.imported],
            "refused": self.refused,
            "waiting": self.waiting,
            "duplicates_removed": self.duplicates_removed,
            "tidied": self.tidied,
            "exported": self.exported.as_json() if self.exported else None,
        }


def import_new(
    store: Store,
    author: str | None = None,
    now: float | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PassResult:
    """Import every new bundle other sites wrote in the folder; handle conflict copies.

    The day's backup, when due, is made after the first bundle of the pass (the stick's
    rule); each import keeps its undo record. A bundle that had to wait (it continues from
    changes not here yet) is tried again once this site's version vector has moved.
    """
    folder = require_folder(store)
    now = time.time() if now is None else now
    state = load_state(store)
    result = PassResult()
    present = {file.name: file for file in _files(folder)}
    for name, file in sorted(present.items()):
        original = conflict_original(name)
        if original is not None:
            _conflict_copy(store, state, result, file, present.get(original), now)
    backed_up = False
    tried: set[str] = set()
    while not (cancelled and cancelled()):
        vv_text = json.dumps(store.version_vector(), sort_keys=True)
        round_ = _candidates(store, state, result, present, vv_text, tried, now)
        if not round_:
            break
        for parsed, file in round_:
            if cancelled and cancelled():
                break
            tried.add(file.name)
            made_backup = _import_one(
                store, state, result, parsed, file, author, not backed_up, now, vv_text
            )
            backed_up = backed_up or made_backup
        if json.dumps(store.version_vector(), sort_keys=True) == vv_text:
            break  # nothing moved: what waits, waits for another bundle
        tried = set()
    for key in ("imported", "refused"):
        for name in list(state[key]):
            if name not in present:
                del state[key][name]  # tidied by its site: forget it
    save_state(store, state)
    return result


def _candidates(
    store: Store,
    state: dict[str, Any],
    result: PassResult,
    present: dict[str, FolderFile],
    vv_text: str,
    tried: set[str],
    now: float,
) -> list[tuple[tuple[str, int], FolderFile]]:
    """The files to try now, oldest bundle of each site first."""
    found = []
    for name, file in sorted(present.items()):
        if is_never_read(name) or conflict_original(name) is not None or name in tried:
            continue
        parsed = parse_bundle_name(name)
        if parsed is None or _ours(store, parsed):
            continue  # not a sync-folder bundle, or one of ours
        if state["imported"].get(name) == file.key:
            continue
        refused = state["refused"].get(name)
        if refused and [refused.get("size"), refused.get("mtime_ns")] == file.key:
            if not refused.get("waiting"):
                continue  # refused as it is; looked at again only if it changes
            if refused.get("vv") == vv_text:
                result.waiting[name] = refused["reason"]
                continue
        if now - file.mtime_ns / 1e9 < SETTLE_SECONDS:
            result.waiting[name] = "still arriving"  # the window looks for these words
            continue
        found.append((parsed, file))
    return sorted(found, key=lambda item: item[0])


def _import_one(
    store: Store,
    state: dict[str, Any],
    result: PassResult,
    parsed: tuple[str, int],
    file: FolderFile,
    author: str | None,
    backup: bool,
    now: float,
    vv_text: str,
) -> bool:
    """Import one file (or note why not); True if a backup was made."""
    from coopdesk.sync.bundle import BundleError, BundleGapError, BundleTruncatedError
    from coopdesk.sync.importing import import_bundle

    # Refusals that may go away by themselves: the changes it continues from arrive later,
    # or the file was still arriving. Tried again once the version vector moved.
    waiting_errors = (BundleGapError, BundleTruncatedError)
    name = file.name
    try:
        envelope_site, envelope_seq = _header_identity(store, file.path)
        if (envelope_site, envelope_seq) != parsed:
            raise BundleError(
                _(
                    "{name} says it is bundle {envelope_seq} of another site than its name: "
                    "it was renamed or copied by hand. It was not imported."
                ).format(name=name, envelope_seq=envelope_seq)
            )
        imported = import_bundle(store, file.path, author=author, backup=backup)
    except waiting_errors as exc:
        state["refused"][name] = {
            "reason": str(exc),
            "at": now,
            "size": file.size,
            "mtime_ns": file.mtime_ns,
            "waiting": True,
            "vv": vv_text,
        }
        result.waiting[name] = str(exc)
        return False
    except CoopDeskError as exc:
        state["refused"][name] = {
            "reason": str(exc),
            "at": now,
            "size": file.size,
            "mtime_ns": file.mtime_ns,
            "waiting": False,
        }
        result.refused[name] = str(exc)
        return False
    except OSError as exc:  # gone meanwhile (tidied by its site), or unreadable for now
        result.waiting[name] = _("could not be read ({reason})").format(reason=exc.strerror or exc)
        return False
    state["refused"].pop(name, None)
    result.waiting.pop(name, None)
    state["imported"][name] = file.key
    state["last_in"][parsed[0]] = {"name": name, "at": now}
    if parsed[0] not in state["folder_sites"]:
        state["folder_sites"].append(parsed[0])
    result.imported.append(imported)
    return imported.backup is not None


def _header_identity(store: Store, path: Path) -> tuple[str, int]:
    from coopdesk.sync import bundle
    from coopdesk.sync.trust import trust_of

    envelope = bundle.read_envelope(path, trust_of(store))
    return envelope.site_id, envelope.bundle_seq


def _conflict_copy(
    store: Store,
    state: dict[str, Any],
    result: PassResult,
    copy: FolderFile,
    original: FolderFile | None,
    now: float,
) -> None:
    """A bundle never changes, so a conflict copy is a duplicate (removed) or a fault (kept)."""
    name = copy.name
    if original is None:
        parsed = parse_bundle_name(conflict_original(name) or "")
        if _ours(store, parsed) and conflict_original(name) not in state["outgoing"]:
            # A copy of one of our bundles that every site had, since tidied: remove it too.
            with contextlib.suppress(OSError):
                copy.path.unlink()
            result.duplicates_removed.append(name)
            _note(
                state,
                _("Removed {name}: a copy of a bundle every site had received.").format(name=name),
                now,
            )
        else:
            result.waiting[name] = _("a conflict copy whose bundle is not in the folder (yet)")
        return
    try:
        same = _same_bytes(copy.path, original.path)
    except OSError:
        return
    if same:
        with contextlib.suppress(OSError):
            copy.path.unlink()
        result.duplicates_removed.append(name)
        _note(
            state,
            _("Removed {name}: the same bytes as {original} (a duplicate).").format(
                name=name, original=original.name
            ),
            now,
        )
        return
    reason = _(
        "a conflict copy of {original} with different contents. A bundle is written once and"
        " never changed, so one of the two was altered or damaged on the way; it was not"
        " imported (the original is). Check the file-sync tool at both sites."
    ).format(original=original.name)
    known = state["refused"].get(name)
    if not known or [known.get("size"), known.get("mtime_ns")] != copy.key:
        state["refused"][name] = {
            "reason": reason,
            "at": now,
            "size": copy.size,
            "mtime_ns": copy.mtime_ns,
            "waiting": False,
        }
        result.refused[name] = reason


# -- exporting ---------------------------------------------------------------------------------


def folder_sites(store: Store, state: dict[str, Any] | None = None) -> list[str]:
    """The other sites, not archived, whose bundles have come through the folder."""
    state = load_state(store) if state is None else state
    active = {
        row[0]
        for row in store.conn.execute(
            "SELECT id FROM site WHERE _cl % 2 = 1 AND replaced_by IS NULL"
        )
    }
    # An earlier identity of this store still active is another computer's now (the original
    # of a copied folder): it counts like any other site.
    return sorted(
        site for site in state["folder_sites"] if site in active and site != store.site_id
    )


def folder_base(store: Store, state: dict[str, Any] | None = None) -> dict[str, int]:
    """What every site on the folder is known to have (nothing known: what any site has)."""
    sites = folder_sites(store, state)
    if not sites:
        return base_for(store, None)
    vectors = [peer_vector(store, site) for site in sites]
    origins = set().union(*vectors)
    base = {o: min(v.get(o, 0) for v in vectors) for o in origins}
    return {o: seq for o, seq in base.items() if seq > 0}


def export_needed(store: Store, state: dict[str, Any] | None = None) -> bool:
    """Something to tell the folder: changes a site there lacks, or our vector moved on."""
    state = load_state(store) if state is None else state
    last = state["last_out"]
    vv = store.version_vector()
    if not last:
        return True
    if vv != last.get("vv"):
        return True
    base = folder_base(store, state)
    before = last.get("base") or {}
    # A site joined the folder knowing less than our last bundle assumed.
    return any(seq < before.get(origin, 0) for origin, seq in base.items()) or any(
        origin not in base for origin in before
    )


def export_to_folder(
    store: Store, force: bool = False, now: float | None = None
) -> ExportResult | None:
    """Write one bundle into the folder if there is anything to say; see the module docstring."""
    from coopdesk.sync.export import ExportResult, export_bundle

    folder = require_folder(store)
    now = time.time() if now is None else now
    state = load_state(store)
    if not force and not export_needed(store, state):
        return None
    base = folder_base(store, state)
    staging = _staging_folder(store)
    staging.mkdir(parents=True, exist_ok=True)
    made = export_bundle(store, staging / f"outgoing-{os.getpid()}{SUFFIX}", base=base)
    final = folder / bundle_file_name(store, made.bundle_seq)
    try:
        _move_in(made.path, final)
    finally:
        made.path.unlink(missing_ok=True)
    vv = store.version_vector()
    state["last_out"] = {
        "name": final.name,
        "at": now,
        "vv": vv,
        "base": base,
        "entries": made.entries,
        "bytes": made.size,
    }
    state["outgoing"][final.name] = {"vv": vv, "at": now}
    save_state(store, state)
    return ExportResult(
        final, made.bundle_seq, made.entries, made.size, None, made.encrypted, made.verified
    )


def _staging_folder(store: Store) -> Path:
    """Beside the store: never in the folder, so the file-sync tool never sees it half made."""
    return store.path.parent / "sync-folder-staging"


def _move_in(made: Path, final: Path) -> None:
    """Put a verified bundle under its final name at once: never half of it."""
    try:
        os.replace(made, final)
    except OSError:  # another drive: copy under a name Syncthing never syncs, then rename
        temporary = final.with_name(f".syncthing.{final.name}.tmp")
        shutil.copyfile(made, temporary)
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, final)


# -- tidying -----------------------------------------------------------------------------------


def acknowledged(store: Store, vv: dict[str, int], sites: list[str]) -> bool:
    """Every site on the folder told us (in a bundle it sent) it has all of ``vv``."""
    if not sites:
        return False
    return all(
        all(peer_vector(store, site).get(origin, 0) >= seq for origin, seq in vv.items())
        for site in sites
    )


def tidy(store: Store, now: float | None = None, grace: float = GRACE_SECONDS) -> list[str]:
    """Remove this site's bundles that every site on the folder has, after the grace period."""
    folder = require_folder(store)
    now = time.time() if now is None else now
    state = load_state(store)
    sites = folder_sites(store, state)
    removed = []
    last_name = (state["last_out"] or {}).get("name")
    for name, sent in sorted(state["outgoing"].items()):
        path = folder / name
        if not path.exists():
            del state["outgoing"][name]
            continue
        if name == last_name:
            continue  # the newest stays: it tells a site restored from a backup where we are
        if now - float(sent.get("at", now)) < grace:
            continue
        if acknowledged(store, sent.get("vv") or {}, sites):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(name)
                del state["outgoing"][name]
    if removed:
        _note(
            state,
            _("Removed {bundles} every site had received.").format(
                bundles=plural(len(removed), "bundle")
            ),
            now,
        )
        save_state(store, state)
    return removed


# -- one pass, and the loop --------------------------------------------------------------------


def run_pass(
    store: Store,
    author: str | None = None,
    export: bool = False,
    now: float | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PassResult:
    """Import what is new, tidy, and (with ``export``) write a bundle if one is needed."""
    result = import_new(store, author, now, cancelled)
    result.tidied = tidy(store, now)
    if export:
        result.exported = export_to_folder(store, now=now)
    return result


class QuietPeriod:
    """Debounce: ``due`` once ``quiet`` seconds passed since the last ``poke``, then not again."""

    def __init__(self, quiet: float = QUIET_SECONDS) -> None:
        self.quiet = quiet
        self.last_poke: float | None = None

    def poke(self, now: float) -> None:
        self.last_poke = now

    def pending(self) -> bool:
        return self.last_poke is not None

    def due(self, now: float) -> bool:
        if self.last_poke is None or now - self.last_poke < self.quiet:
            return False
        self.last_poke = None
        return True


class FolderLoop:
    """One site's loop over the folder: import, tidy, and export after a quiet period.

    A change of the version vector (a local edit, or an import) starts the quiet period; a
    burst of changes makes one bundle. ``coopdesk sync-folder watch`` runs ``step`` every
    ``POLL_SECONDS``; tests run it with their own clock.
    """

    def __init__(
        self, store: Store, author: str | None = None, quiet: float = QUIET_SECONDS
    ) -> None:
        require_folder(store)
        self.store = store
        self.author = author
        self.debounce = QuietPeriod(quiet)
        self.seen_vv = store.version_vector()
        self.first = True

    def step(self, now: float | None = None) -> PassResult:
        now = time.time() if now is None else now
        store = self.store
        result = import_new(store, self.author, now)
        result.tidied = tidy(store, now)
        vv = store.version_vector()
        if self.first and export_needed(store):
            self.debounce.poke(now - self.debounce.quiet)  # unsaid since last time: now
        self.first = False
        if vv != self.seen_vv:
            self.seen_vv = vv
            self.debounce.poke(now)
        if self.debounce.due(now) and export_needed(store):
            result.exported = export_to_folder(store, now=now)
            self.seen_vv = store.version_vector()
        return result


def eventful(result: PassResult) -> bool:
    return bool(
        result.imported
        or result.refused
        or result.exported
        or result.duplicates_removed
        or result.tidied
    )


def watch(
    store: Store,
    author: str | None = None,
    stop: Callable[[], bool] = lambda: False,
    report: Callable[[PassResult], None] = lambda _result: None,
    poll: float = POLL_SECONDS,
    quiet: float = QUIET_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    problem: Callable[[str], None] = lambda _text: None,
) -> None:
    """The loop without the window (``FolderLoop``) until ``stop()``, reporting what happened.

    A folder that goes away (a network drive unmounted) does not end the loop: ``problem``
    is told once, and the loop carries on when the folder is back.
    """
    loop = FolderLoop(store, author, quiet)
    said = None
    while not stop():
        try:
            result = loop.step(clock())
        except SyncFolderError as exc:
            if str(exc) != said:
                said = str(exc)
                problem(said)
        else:
            said = None
            if eventful(result):
                report(result)
        sleep(poll)


# -- state for display -------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteInFolder:
    site_id: str
    name: str
    last_in: str | None
    last_in_at: float | None
    acknowledged_through: bool  # it has everything this site last wrote

    def as_json(self) -> dict[str, Any]:
        return {
            "site_id": self.site_id,
            "name": self.name,
            "last_bundle_in": self.last_in,
            "last_bundle_in_at": self.last_in_at,
            "has_our_last_bundle": self.acknowledged_through,
        }


@dataclass(frozen=True)
class FolderStatus:
    folder: Path | None
    problem: str | None
    sites: list[SiteInFolder]
    last_out: str | None
    last_out_at: float | None
    outgoing: int
    waiting: dict[str, str]
    refused: dict[str, str]
    notes: list[tuple[float, str]]
    bytes_in_folder: int

    def as_json(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder) if self.folder else None,
            "problem": self.problem,
            "sites": [site.as_json() for site in self.sites],
            "last_bundle_out": self.last_out,
            "last_bundle_out_at": self.last_out_at,
            "our_bundles_in_folder": self.outgoing,
            "waiting": self.waiting,
            "refused": self.refused,
            "notes": [[at, text] for at, text in self.notes],
            "bytes_in_folder": self.bytes_in_folder,
        }


def folder_status(store: Store, now: float | None = None) -> FolderStatus:
    """What the Sync page and ``sync-folder show`` say: nothing is written."""
    folder = sync_folder(store)
    if folder is None:
        return FolderStatus(None, None, [], None, None, 0, {}, {}, [], 0)
    now = time.time() if now is None else now
    problem = None
    try:
        require_folder(store)
    except SyncFolderError as exc:
        problem = str(exc)
    state = load_state(store)
    names = dict(store.conn.execute("SELECT id, name FROM site").fetchall())
    last_out = state["last_out"] or {}
    sites = []
    for site in folder_sites(store, state):
        seen = state["last_in"].get(site) or {}
        sites.append(
            SiteInFolder(
                site,
                shown(names.get(site, site[:8])),
                seen.get("name"),
                seen.get("at"),
                acknowledged(store, last_out.get("vv") or {}, [site]) if last_out else False,
            )
        )
    waiting: dict[str, str] = {}
    refused: dict[str, str] = {}
    size = 0
    if problem is None and folder is not None:
        for file in _files(folder):
            size += file.size
            parsed = parse_bundle_name(file.name)
            known = state["refused"].get(file.name)
            if known and [known.get("size"), known.get("mtime_ns")] == file.key:
                (waiting if known.get("waiting") else refused)[file.name] = known["reason"]
            elif (
                parsed
                and not _ours(store, parsed)
                and not is_never_read(file.name)
                and state["imported"].get(file.name) != file.key
            ):
                waiting[file.name] = _("not imported yet")
    return FolderStatus(
        folder,
        problem,
        sites,
        last_out.get("name"),
        last_out.get("at"),
        len(state["outgoing"]),
        waiting,
        refused,
        [(float(at), str(text)) for at, text in state["notes"]],
        size,
    )
