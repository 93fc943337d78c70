"""Real drives in trouble, for tests: a read-only drive and a nearly full one.

Where the tests may mount (as root, where ``mount`` works: the developers' machines and CI),
these are real tmpfs file systems, so the kernel itself says EROFS or ENOSPC. Elsewhere
they fall back: a read-only folder by permissions (which root ignores, so that case skips,
saying why), a full drive by a flush that fails with ENOSPC, as a real drive with delayed
allocation does.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount_tmpfs(where: Path, options: str) -> bool:
    if shutil.which("mount") is None or os.name != "posix":
        return False
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _unmount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=20)


@contextmanager
def read_only_drive(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder nothing can be written into, and the code CoopDesk must say for it."""
    where = tmp_path / "locked-stick"
    where.mkdir()
    if _mount_tmpfs(where, "ro,size=1m"):
        try:
            yield where, "read_only"
        finally:
            _unmount(where)
        return
    if os.geteuid() == 0:
        message = "no read-only mount possible here, and root ignores folder permissions"
        print(f"SKIPPED: {message}")
        pytest.skip(message)
    where.chmod(0o555)
    try:
        yield where, "not_allowed"
    finally:
        where.chmod(0o755)


@contextmanager
def full_drive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: str = "64k"
) -> Iterator[Path]:
    """A folder on a drive with about ``size`` free."""
    where = tmp_path / "full-stick"
    where.mkdir()
    if _mount_tmpfs(where, f"size={size}"):
        try:
            yield where
        finally:
            _unmount(where)
        return
    print("full drive simulated: no tmpfs mount here, so flushing fails with ENOSPC")
    real_fsync = os.fsync

    def fsync(handle: int) -> None:
        if os.fstat(handle).st_size > 64 * 1024:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    yield where


def leftovers(folder: Path) -> list[str]:
    """Every name in ``folder``, hidden ones (temporary files) included."""
    return sorted(path.name for path in folder.iterdir())
