"""Every file CoopDesk writes (bundles, invitations, calendars, shopping lists, rotas): one set
of rules and one set of messages, so a USB stick that is missing, full or locked always says
so in one clear sentence and never leaves half a file.

The rules, the same for every file:

- ``~`` means the home folder. An existing folder gets the file's suggested name inside it.
- A path ending in ``/`` names a folder; if there is no such folder that is an error (a
  stick that is not mounted must not become a file called ``stick`` on the computer's disk).
- The folder must exist already: CoopDesk never creates folders for an output.
- A suggested name that is too long for a drive (255 bytes) is shortened, in bytes, on a
  character boundary, keeping its ending; a name the person typed is refused instead.
- The file is written under a temporary name in the same folder, flushed to the drive and
  renamed into place: the chosen name holds the old file or the whole new one, never part.
  On any failure the temporary file is removed and nothing else is left.
- Files for people (a calendar, a shopping list, a rota) get the permissions the user's
  umask gives new files, like any program's; files holding the coop's data (bundles,
  invitations) are readable by their owner only (0600).

Imported only when something is written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, NamedTuple

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import _

# The longest file name (in bytes of UTF-8) that every drive a stick may carry accepts:
# ext4 and most Unix file systems allow 255 bytes, FAT32, exFAT and NTFS 255 UTF-16 units,
# which a name of at most 255 UTF-8 bytes never exceeds.
MAX_NAME_BYTES = 255
# Permissions asked for at creation; the umask then takes its bits away from FOR_PEOPLE.
FOR_PEOPLE = 0o666
COOP_DATA = 0o600

Writer = Callable[[BinaryIO], None]


class Written(NamedTuple):
    """Where an export went (a folder given gets a name chosen) and how many rows or events."""

    path: Path
    count: int


class OutputError(CoopDeskError):
    """A file could not be written where the person asked; nothing was left behind.

    ``code`` tells the kinds apart for scripts (``--json``): folder_missing, is_a_folder,
    read_only, not_allowed, name_too_long, name_not_allowed, disk_full, too_large,
    drive_failed, write_failed.
    """

    def __init__(self, message: str, code: str = "write_failed") -> None:
        super().__init__(message)
        self.code = code


# -- names -------------------------------------------------------------------------------------


def name_bytes(name: str) -> int:
    return len(name.encode("utf-8", "surrogateescape"))


def shorten_name(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """``name`` cut to at most ``limit`` bytes of UTF-8, keeping its ending (".coopsync").

    Cut between characters, never inside one, and never between a letter and the accent
    that follows it (a decomposed "é" keeps its accent or loses both).
    """
    name = unicodedata.normalize("NFC", name)
    if name_bytes(name) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or name_bytes(suffix) > 16:
        stem, suffix = name, ""
    else:
        suffix = "." + suffix
    room = limit - name_bytes(suffix)
    kept: list[str] = []
    used = 0
    for char in stem:
        size = name_bytes(char)
        if used + size > room:
            break
        kept.append(char)
        used += size
    cut = len(kept)
    if cut < len(stem) and unicodedata.combining(stem[cut]):
        while kept and unicodedata.combining(kept[-1]):
            kept.pop()
        if kept:
            kept.pop()
    return "".join(kept).rstrip(" .-_") + suffix


def _ends_with_separator(text: str) -> bool:
    separators = {os.sep, *(os.altsep or "")}
    return bool(text) and text[-1] in separators


# -- where the file goes ------------------------------------------------------------------------


def output_path(path: str | os.PathLike[str], default_name: str) -> Path:
    """Where a file asked for as ``path`` will be written, by the rules above.

    Raises OutputError (with nothing written) when the place cannot be used: no such folder,
    or a name too long. ``default_name`` is the name a folder gets.
    """
    text = os.fspath(path)
    target = Path(text).expanduser()
    if not text.strip():
        raise OutputError(_("Say where to write the file: no file or folder was given."), "invalid")
    try:
        return _checked(text, target, default_name)
    except OSError as exc:  # asking the drive failed (a name too long, a drive gone)
        raise explain(exc, target) from None


def _checked(text: str, target: Path, default_name: str) -> Path:
    if target.is_dir():
        return target / shorten_name(default_name)
    if _ends_with_separator(text):
        raise OutputError(
            _(
                "There is no folder {target}: nothing was written. Check the name, or "
                "plug the USB stick in (and wait until it appears) and try again."
            ).format(target=target),
            "folder_missing",
        )
    folder = target.parent
    if not folder.is_dir():
        what = _("is a file, not a folder") if folder.exists() else _("does not exist")
        raise OutputError(
            _(
                "The folder {folder} {what}: nothing was written. Choose an existing "
                "folder (CoopDesk does not create folders), or plug the USB stick in and "
                "try again."
            ).format(folder=folder, what=what),
            "folder_missing",
        )
    if name_bytes(target.name) > MAX_NAME_BYTES:
        raise OutputError(
            _(
                "The file name {name}… is too long ({name_bytes} bytes; drives allow at "
                "most {max_name_bytes}): nothing was written. Choose a shorter name."
            ).format(
                name=target.name[:40],
                name_bytes=name_bytes(target.name),
                max_name_bytes=MAX_NAME_BYTES,
            ),
            "name_too_long",
        )
    return target


# -- writing ------------------------------------------------------------------------------------


def _human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    raise AssertionError("unreachable")


def explain(exc: OSError, target: Path, size: int | None = None) -> OutputError:
    """The one sentence for a failed write of ``target``: what happened, and what to do."""
    folder = target.parent
    nothing = _("{name} was not written").format(name=target.name)
    code = exc.errno
    if code == errno.EROFS:
        return OutputError(
            _(
                "The drive holding {folder} is read-only: {nothing}. Unlock the USB "
                "stick (some have a small switch on the side) or choose another place."
            ).format(folder=folder, nothing=nothing),
            "read_only",
        )
    if code in (errno.EACCES, errno.EPERM):
        return OutputError(
            _("You may not write in the folder {folder}: {nothing}. Choose another folder.").format(
                folder=folder, nothing=nothing
            ),
            "not_allowed",
        )
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        needed = _(" (it needs {size})").format(size=_human_size(size)) if size else ""
        return OutputError(
            _(
                "The drive holding {folder} is full: {nothing}{needed}. Free some space "
                "on it or use another drive."
            ).format(folder=folder, nothing=nothing, needed=needed),
            "disk_full",
        )
    if code == errno.EFBIG:
        return OutputError(
            _(
                "{name} is too large for the drive holding {folder}: {nothing}. A FAT32 "
                "stick holds files up to 4 GB; use an exFAT stick or another drive."
            ).format(name=target.name, folder=folder, nothing=nothing),
            "too_large",
        )
    if code == errno.ENAMETOOLONG:
        return OutputError(
            _(
                "The name {name}… is too long for the drive holding {folder}: {nothing}. "
                "Choose a shorter name or a folder nearer the top of the drive."
            ).format(name=target.name[:40], folder=folder, nothing=nothing),
            "name_too_long",
        )
    if code == errno.EISDIR:
        return OutputError(
            _("{target} is a folder: {nothing}. Choose a file name inside it.").format(
                target=target, nothing=nothing
            ),
            "is_a_folder",
        )
    if code == errno.EINVAL:
        return OutputError(
            _(
                "The drive holding {folder} does not accept the name {name}: {nothing}. "
                'USB sticks refuse some characters (: * ? " < > |); choose another name.'
            ).format(folder=folder, name=target.name, nothing=nothing),
            "name_not_allowed",
        )
    if code == errno.ENOENT:
        return OutputError(
            _(
                "The folder {folder} is no longer there (was the USB stick removed?): "
                "{nothing}. Plug it back in and try again."
            ).format(folder=folder, nothing=nothing),
            "folder_missing",
        )
    if code == errno.EIO:
        return OutputError(
            _(
                "The drive holding {folder} could not be written (an input/output error: "
                "it may be failing, or was removed): {nothing}. Try another drive."
            ).format(folder=folder, nothing=nothing),
            "drive_failed",
        )
    reason = exc.strerror or str(exc)
    return OutputError(
        _("Could not write {target}: {reason}. {nothing}.").format(
            target=target, reason=reason, nothing=nothing
        ),
        "write_failed",
    )


def _temporary_name(folder: Path) -> Path:
    # Short and fixed in form, so it fits any drive whatever the final name's length.
    return folder / f".coopdesk-{secrets.token_hex(6)}.partial"


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); drives that cannot do it are fine as they are."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def write_file(
    path: str | os.PathLike[str],
    data: bytes | Writer,
    *,
    default_name: str,
    private: bool = False,
) -> Path:
    """Write ``data`` (bytes, or a function writing to an open binary file) where the person
    asked, by the rules of this module. Returns the path written.

    ``private``: the file holds the coop's data and is readable by its owner only; otherwise
    it gets the permissions of any new file (the umask). Raises OutputError, with nothing
    left on the drive, when it cannot be written.
    """
    target = output_path(path, default_name)
    write_to(target, data, private=private)
    return target


def write_to(target: Path, data: bytes | Writer, *, private: bool = False) -> None:
    """Write to ``target``, already checked by ``output_path``; the rest of ``write_file``."""
    size = len(data) if isinstance(data, bytes | bytearray) else None
    temporary = _temporary_name(target.parent)
    mode = COOP_DATA if private else FOR_PEOPLE
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(temporary, flags, mode)
    except OSError as exc:
        raise explain(exc, target, size) from None
    try:
        with os.fdopen(handle, "wb") as out:
            if callable(data):
                data(out)
            else:
                out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        _remove_quietly(temporary)
        raise explain(exc, target, size) from None
    except BaseException:
        _remove_quietly(temporary)
        raise
    _fsync_folder(target.parent)


def _remove_quietly(path: Path) -> None:
    """Remove a temporary file; a drive that refuses (read-only, gone) has none to remove."""
    with contextlib.suppress(OSError):
        path.unlink()
