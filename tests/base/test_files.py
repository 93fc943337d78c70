"""The one output path: where files go, what is refused, one sentence per failure, modes."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from coopdesk.base import files
from coopdesk.base.files import (
    MAX_NAME_BYTES,
    OutputError,
    output_path,
    shorten_name,
    write_file,
)
from tests.fs_helpers import full_drive, leftovers, read_only_drive


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_folder_gets_the_suggested_name(tmp_path: Path):
    assert output_path(tmp_path, "list.csv") == tmp_path / "list.csv"
    assert output_path(f"{tmp_path}/", "list.csv") == tmp_path / "list.csv"
    assert output_path(tmp_path / "mine.csv", "list.csv") == tmp_path / "mine.csv"


def test_home_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert output_path("~/list.csv", "x") == tmp_path / "list.csv"


def test_a_folder_that_is_not_there_is_refused_and_never_made(tmp_path: Path):
    # `export --to nope/newdir/` used to write a FILE called newdir, and say "safe to remove".
    with pytest.raises(OutputError, match="There is no folder") as refused:
        write_file(f"{tmp_path}/newdir/", b"x", default_name="bundle.coopsync")
    assert refused.value.code == "folder_missing"
    # /media/stick/file when the stick is not mounted: no folder is created on the disk.
    with pytest.raises(OutputError, match="does not exist") as refused:
        write_file(tmp_path / "stick" / "shifts.ics", b"x", default_name="shifts.ics")
    assert refused.value.code == "folder_missing"
    with pytest.raises(OutputError, match="is a file, not a folder"):
        (tmp_path / "plain").write_text("")
        write_file(tmp_path / "plain" / "x.ics", b"x", default_name="x.ics")
    assert leftovers(tmp_path) == ["plain"]


def test_nothing_given_is_refused():
    with pytest.raises(OutputError, match="Say where"):
        output_path("  ", "x.csv")


def test_long_names_are_shortened_in_bytes_or_refused(tmp_path: Path):
    site = "Épicerie coopérative " * 6  # 120 accented characters, 132 bytes, per site name
    suggested = f"{site}-to-{site}-2024-05-06-1830.coopsync"
    assert len(suggested.encode()) > MAX_NAME_BYTES
    written = write_file(tmp_path, b"bundle", default_name=suggested)
    assert len(written.name.encode()) <= MAX_NAME_BYTES
    assert written.name.endswith(".coopsync")
    assert written.read_bytes() == b"bundle"
    typed = tmp_path / ("é" * 130 + ".ics")  # 264 bytes: the person typed it, so ask again
    with pytest.raises(OutputError, match="too long") as refused:
        write_file(typed, b"x", default_name="x.ics")
    assert refused.value.code == "name_too_long"


def test_shortening_never_splits_a_character_or_an_accent():
    decomposed = "e\u0301" * 200  # "é" as a letter and a combining accent
    short = shorten_name(decomposed + ".csv", 21)  # NFC first: each "é" is 2 bytes
    assert short == "é" * 8 + ".csv"
    assert len(short.encode()) <= 21
    emoji = shorten_name("🍅" * 100 + ".ics", 30)
    assert emoji == "🍅" * 6 + ".ics"
    assert shorten_name("short.ics") == "short.ics"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "list.csv"
    target.write_bytes(b"the old list")

    def breaks(out) -> None:
        out.write(b"half a ")
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        write_file(target, breaks, default_name="list.csv")
    assert target.read_bytes() == b"the old list"
    assert leftovers(tmp_path) == ["list.csv"]


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_for_people_follow_the_umask(tmp_path: Path, umask: int, expected: int):
    old = os.umask(umask)
    try:
        written = write_file(tmp_path / "rota.pdf", b"%PDF", default_name="rota.pdf")
    finally:
        os.umask(old)
    assert mode_of(written) == expected


def test_files_with_coop_data_are_the_owners_only_whatever_the_umask(tmp_path: Path):
    (tmp_path / "b.coopsync").write_bytes(b"old")
    (tmp_path / "b.coopsync").chmod(0o644)
    old = os.umask(0)
    try:
        written = write_file(tmp_path / "b.coopsync", b"new", default_name="x", private=True)
    finally:
        os.umask(old)
    assert mode_of(written) == 0o600


def test_a_read_only_drive_says_so_in_one_line(tmp_path: Path):
    with read_only_drive(tmp_path) as (drive, code):
        with pytest.raises(OutputError) as refused:
            write_file(drive, b"data", default_name="shopping-list.csv")
        assert refused.value.code == code
        message = str(refused.value)
        assert "\n" not in message
        assert "shopping-list.csv was not written" in message
        assert leftovers(drive) == []


def test_a_full_drive_says_so_and_leaves_nothing(tmp_path: Path, monkeypatch):
    with full_drive(tmp_path, monkeypatch) as drive:
        (drive / "old.ics").write_bytes(b"old calendar")
        with pytest.raises(OutputError, match="is full") as refused:
            write_file(drive / "old.ics", os.urandom(200_000), default_name="x.ics")
        assert refused.value.code == "disk_full"
        assert "(it needs 200.0 KB)" in str(refused.value)
        assert leftovers(drive) == ["old.ics"]
        assert (drive / "old.ics").read_bytes() == b"old calendar"


@pytest.mark.parametrize(
    "number, code, words",
    [
        (errno.EROFS, "read_only", "read-only"),
        (errno.EACCES, "not_allowed", "You may not write"),
        (errno.EPERM, "not_allowed", "You may not write"),
        (errno.ENOSPC, "disk_full", "is full"),
        (errno.EDQUOT, "disk_full", "is full"),
        (errno.EFBIG, "too_large", "4 GB"),
        (errno.ENAMETOOLONG, "name_too_long", "too long"),
        (errno.EINVAL, "name_not_allowed", "does not accept the name"),
        (errno.ENOENT, "folder_missing", "no longer there"),
        (errno.EIO, "drive_failed", "input/output error"),
        (errno.EISDIR, "is_a_folder", "is a folder"),
        (errno.EBUSY, "write_failed", "Could not write"),
    ],
)
def test_every_failure_has_one_sentence_and_a_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int, code: str, words: str
):
    def refuse(*_args, **_kwargs):
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(files.os, "open", refuse)
    with pytest.raises(OutputError) as refused:
        write_file(tmp_path / "x.ics", b"x", default_name="x.ics")
    assert refused.value.code == code
    assert words in str(refused.value)
    assert "\n" not in str(refused.value)
    assert "x.ics was not written" in str(refused.value)


def test_a_failure_while_renaming_removes_the_temporary(tmp_path: Path, monkeypatch):
    def refuse(*_args):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(OutputError, match="input/output"):
        write_file(tmp_path / "x.ics", b"x", default_name="x.ics")
    assert leftovers(tmp_path) == []
