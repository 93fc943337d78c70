"""Finding USB sticks among mounted volumes, and the bundles on one (no Qt needed)."""

from __future__ import annotations

import os
from pathlib import Path

from coopdesk.gui.kit.widgets import human_size
from coopdesk.gui.sync.drives import Drive, Volume, bundles_on, removable_drives
from coopdesk.sync.export import export_bundle

LINUX_VOLUMES = [
    Volume("/", file_system="ext4", bytes_free=80_000_000_000),
    Volume("/boot/efi", file_system="vfat"),
    Volume("/home", file_system="ext4"),
    Volume("/media/ana/KINGSTON", label="KINGSTON", file_system="vfat", bytes_free=3_100_000_000),
    Volume("/run/media/sam/Coop stick", label="Coop stick", file_system="exfat"),
    Volume("/mnt/backup-disk", file_system="ext4"),
    Volume("/media/ana/CDROM", label="CDROM", file_system="iso9660", read_only=True),
    Volume("/media/ana/EJECTED", label="EJECTED", ready=False),
    Volume("/media/ana/BROKEN", label="BROKEN", valid=False),
    Volume("/mnt/ramdisk", file_system="tmpfs"),
    Volume("/media", file_system="ext4"),  # the parent folder itself is not a drive
    Volume("/snap/core/123", file_system="squashfs", read_only=True),
]


def test_linux_sticks_are_found_under_media_run_media_and_mnt():
    found = removable_drives(LINUX_VOLUMES, windows=False)
    assert [drive.label for drive in found] == ["backup-disk", "Coop stick", "KINGSTON"]
    kingston = next(drive for drive in found if drive.label == "KINGSTON")
    assert kingston == Drive(Path("/media/ana/KINGSTON"), "KINGSTON", 3_100_000_000)


def test_read_only_not_ready_invalid_and_pseudo_volumes_are_left_out():
    found = {drive.label for drive in removable_drives(LINUX_VOLUMES, windows=False)}
    assert not found & {"CDROM", "EJECTED", "BROKEN", "ramdisk", "media", "123"}


def test_macos_sticks_are_under_volumes():
    volumes = [
        Volume("/", label="Macintosh HD", file_system="apfs"),
        Volume("/System/Volumes/Data", label="Data", file_system="apfs"),
        Volume("/Volumes/UNTITLED", label="UNTITLED", file_system="msdos"),
    ]
    assert [d.label for d in removable_drives(volumes, windows=False)] == ["UNTITLED"]


def test_windows_drive_letters_other_than_the_system_drive():
    volumes = [
        Volume("C:/", label="Windows", file_system="NTFS"),
        Volume("D:/", label="", file_system="FAT32"),
        Volume("E:/", label="KINGSTON", file_system="exFAT"),
        Volume("//server/share/", label="share", file_system="smbfs"),
    ]
    found = removable_drives(volumes, windows=True, system_drive="C:")
    assert [(str(d.root), d.label) for d in found] == [
        (str(Path("E:/")), "KINGSTON (E:)"),
        (str(Path("D:/")), "USB drive (D:)"),
    ]
    on_d = removable_drives(volumes, windows=True, system_drive="D:")
    assert "Windows (C:)" in [d.label for d in on_d]
    assert not any(d.label.endswith("(D:)") for d in on_d)


def test_nothing_plugged_in_means_no_drives():
    assert removable_drives([Volume("/"), Volume("/home")], windows=False) == []


def test_bundles_on_a_drive_are_listed_newest_first_with_their_sender(tmp_path, store):
    stick = tmp_path / "stick"
    stick.mkdir()
    older = export_bundle(store, stick / "older.coopsync").path
    newer = export_bundle(store, stick / "newer.coopsync").path
    os.utime(older, (1_700_000_000, 1_700_000_000))
    (stick / ".half-written.coopsync.partial").write_bytes(b"COOPSYNC")
    (stick / ".hidden.coopsync").write_bytes(b"COOPSYNC")
    (stick / "notes.txt").write_text("not a bundle")
    (stick / "junk.coopsync").write_text("shopping list")
    os.utime(stick / "junk.coopsync", (1_600_000_000, 1_600_000_000))

    found = bundles_on(stick)
    assert [item.path.name for item in found] == [newer.name, older.name, "junk.coopsync"]
    assert found[0].site_id == store.site_id
    assert found[2].site_id is None  # listed, but the import will say what is wrong with it
    assert bundles_on(tmp_path / "unplugged") == []


def test_sizes_read_like_people_say_them():
    assert human_size(1) == "1 byte"
    assert human_size(812) == "812 bytes"
    assert human_size(14_200) == "14 KB"
    assert human_size(3_150_000) == "3.1 MB"
    assert human_size(3_100_000_000) == "3.1 GB"
