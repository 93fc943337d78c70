"""coopdesk sync-folder: set, show, off and watch, as a script would run them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli_helpers import coopdesk, coopdesk_json


def settle(folder: Path) -> None:
    """Age every file by a minute, as if the file-sync tool had finished long ago."""
    for path in folder.iterdir():
        stat = path.stat()
        os.utime(path, (stat.st_atime - 60, stat.st_mtime - 60))


def test_two_sites_sync_through_a_folder_from_the_command_line(tmp_path: Path):
    kitchen, warehouse = tmp_path / "kitchen", tmp_path / "warehouse"
    shared = tmp_path / "Shared"
    shared.mkdir()
    coopdesk(kitchen, "init", "--coop", "Coop", "--site", "Kitchen", "--member", "Ana")
    invite = coopdesk_json(
        kitchen, "invite", "--site", "Warehouse", "--to", str(tmp_path / "w.coopinvite")
    )
    coopdesk_json(warehouse, "join", invite["path"], "--passphrase", invite["passphrase"])

    refused = coopdesk(kitchen, "sync-folder", "set", str(kitchen), "--json", check=False)
    assert refused.returncode == 1
    assert "inside this site's data folder" in json.loads(refused.stdout or refused.stderr)["error"]
    for site in (kitchen, warehouse):
        assert coopdesk_json(site, "sync-folder", "set", str(shared))["folder"] == str(
            shared.resolve()
        )
    coopdesk(kitchen, "member", "add", "Tomás")
    quick = ("--passes", "3", "--poll", "0", "--quiet", "0", "--json")
    out = coopdesk(kitchen, "sync-folder", "watch", *quick).stdout
    passes = [json.loads(line) for line in out.splitlines()]
    assert any(p["exported"] for p in passes)
    settle(shared)
    out = coopdesk(warehouse, "sync-folder", "watch", *quick).stdout
    passes = [json.loads(line) for line in out.splitlines()]
    assert any(p["imported"] for p in passes)
    names = {m["name"] for m in coopdesk_json(warehouse, "member", "list")}
    assert "Tomás" in names

    shown = coopdesk_json(warehouse, "sync-folder", "show")
    assert shown["folder"] == str(shared.resolve())
    assert [site["name"] for site in shown["sites"]] == ["Kitchen"]
    assert shown["last_bundle_out"]  # Warehouse answered: Kitchen learns it arrived
    text = coopdesk(warehouse, "sync-folder", "show").stdout
    assert "Kitchen: last bundle" in text

    off = coopdesk_json(warehouse, "sync-folder", "off")
    assert off == {"folder": None, "was": str(shared.resolve())}
    assert coopdesk_json(warehouse, "sync-folder", "show")["folder"] is None


def test_watch_ends_cleanly_on_ctrl_c(tmp_path: Path):
    site, shared = tmp_path / "site", tmp_path / "Shared"
    shared.mkdir()
    coopdesk(site, "init", "--coop", "Coop", "--site", "Kitchen", "--member", "Ana")
    coopdesk(site, "sync-folder", "set", str(shared))
    env = {**os.environ, "COOPDESK_DATA_DIR": str(site)}
    process = subprocess.Popen(
        [sys.executable, "-m", "coopdesk", "sync-folder", "watch", "--poll", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.time() + 60
    while not any(shared.glob("*.coopsync")) and time.time() < deadline:
        time.sleep(0.2)  # it says what this site has, once it is up
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Watching" in out and "Stopped watching the sync folder." in out
    assert "Traceback" not in err
