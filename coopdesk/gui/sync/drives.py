"""USB sticks: which mounted volumes look like a drive someone plugged in, and the bundles on one.

Deciding what is removable is a small pure function over plain volume data
(``removable_drives``), so it can be tested with made-up volumes; ``scan_drives`` feeds it
from ``QStorageInfo``. Qt does not say "removable", so we go by where desktops mount such
drives: /media, /run/media, /mnt (Linux), /Volumes (macOS), or a drive letter other than the
system drive (Windows). Read-only, not-ready and pseudo file systems are left out: a bundle
must be written there.
"""

from __future__ import annotations

import os
import re
import struct
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from coopdesk.base import jsontext
from coopdesk.base.i18n import _
from coopdesk.store.schema import UUID_RE
from coopdesk.sync import bundle

POSIX_MOUNT_PARENTS = ("/media/", "/run/media/", "/mnt/", "/Volumes/")
PSEUDO_FILE_SYSTEMS = frozenset(
    {"tmpfs", "devtmpfs", "proc", "sysfs", "overlay", "squashfs", "autofs", "ramfs", "devfs"}
)
_DRIVE_LETTER = re.compile(r"^([A-Za-z]:)[\\/]?$")
_HEADER_PEEK_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Volume:
    """What ``QStorageInfo`` tells about one mounted volume (plain data, for testing)."""

    root: str
    label: str = ""
    file_system: str = ""
    ready: bool = True
    valid: bool = True
    read_only: bool = False
    bytes_free: int = 0


@dataclass(frozen=True)
class Drive:
    """A drive a person can carry: where it is mounted and what to call it."""

    root: Path
    label: str
    bytes_free: int


def looks_removable(root: str, windows: bool, system_drive: str = "C:") -> bool:
    """Mounted where desktops put USB sticks (and not the system drive on Windows)."""
    if windows:
        match = _DRIVE_LETTER.match(root)
        return bool(match) and match.group(1).upper() != system_drive.rstrip("\\/").upper()
    return any(
        root.startswith(parent) and len(root.rstrip("/")) > len(parent.rstrip("/"))
        for parent in POSIX_MOUNT_PARENTS
    )


def drive_label(volume: Volume, windows: bool) -> str:
    """``KINGSTON``; on Windows ``KINGSTON (E:)``; without a label the folder or letter."""
    if windows:
        letter = volume.root.rstrip("\\/")
        return (
            f"{volume.label} ({letter})"
            if volume.label
            else _("USB drive ({letter})").format(letter=letter)
        )
    return volume.label or PurePosixPath(volume.root).name or volume.root


def removable_drives(
    volumes: Iterable[Volume], windows: bool | None = None, system_drive: str | None = None
) -> list[Drive]:
    """The volumes that look like a plugged-in drive we can write a bundle to, by label."""
    if windows is None:
        windows = sys.platform == "win32"
    if system_drive is None:
        system_drive = os.environ.get("SYSTEMDRIVE", "C:")
    found: dict[str, Drive] = {}
    for volume in volumes:
        if not (volume.ready and volume.valid) or volume.read_only:
            continue
        if volume.file_system.lower() in PSEUDO_FILE_SYSTEMS:
            continue
        if not looks_removable(volume.root, windows, system_drive):
            continue
        found.setdefault(
            volume.root,
            Drive(Path(volume.root), drive_label(volume, windows), max(0, volume.bytes_free)),
        )
    return sorted(found.values(), key=lambda drive: (drive.label.casefold(), str(drive.root)))


def mounted_volumes() -> list[Volume]:
    """Every mounted volume as Qt sees it."""
    from PySide6.QtCore import QStorageInfo

    return [
        Volume(
            root=info.rootPath(),
            label=info.name(),
            file_system=bytes(info.fileSystemType().data()).decode(errors="replace"),
            ready=info.isReady(),
            valid=info.isValid(),
            read_only=info.isReadOnly(),
            bytes_free=info.bytesAvailable(),
        )
        for info in QStorageInfo.mountedVolumes()
    ]


def scan_drives() -> list[Drive]:
    """The USB sticks plugged in now. Pages call it through the module (tests replace it)."""
    return removable_drives(mounted_volumes())


# -- bundles on a drive ------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleFile:
    """A ``.coopsync`` file found on a drive; ``site_id`` is read from its (unchecked) header
    only to label it in a list, by the name this store knows for that site: nothing the
    header says is shown before importing checks everything."""

    path: Path
    modified: float
    size: int
    site_id: str | None


def peek_sender(path: Path) -> str | None:
    """The site id a bundle says it comes from, without verifying anything."""
    try:
        with path.open("rb") as handle:
            prelude = handle.read(bundle.PRELUDE.size)
            if len(prelude) < bundle.PRELUDE.size or prelude[:8] != bundle.MAGIC:
                return None
            _magic, _version, header_len = bundle.PRELUDE.unpack(prelude)
            if header_len > _HEADER_PEEK_LIMIT:
                return None
            header = jsontext.loads(handle.read(header_len))
    except (OSError, ValueError, struct.error):
        return None
    site_id = header.get("site_id") if isinstance(header, dict) else None
    return site_id if isinstance(site_id, str) and UUID_RE.match(site_id) else None


def bundles_on(folder: Path) -> list[BundleFile]:
    """The bundles in a folder (not its subfolders), newest first; half-written ones skipped."""
    found = []
    try:
        candidates = list(folder.glob(f"*{bundle.SUFFIX}"))
    except OSError:
        return []
    for path in candidates:
        if path.name.startswith("."):
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        if not path.is_file():
            continue
        found.append(BundleFile(path, stat.st_mtime, stat.st_size, peek_sender(path)))
    return sorted(found, key=lambda item: (item.modified, item.path.name), reverse=True)
