"""Files the app writes for people (a shopping list, a calendar): never half a file.

Imported only when something is written: ``tempfile`` is not needed to open the window.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from coopdesk.base.errors import CoopDeskError, ValidationError


def write_atomically(path: Path, data: bytes) -> None:
    """Write under a temporary name in the same folder, fsync, then rename into place."""
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(f"There is no folder {folder} to write {path.name} into.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise CoopDeskError(f"Could not write {path}: {exc.strerror or exc}.") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CoopDeskError(f"Could not write {path}: {exc.strerror or exc}.") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
