"""Two real Syncthing instances on this machine sharing one folder, for integration tests.

Each has its own home folder, listens on 127.0.0.1 only, with global and local discovery,
relays, NAT traversal, usage reports and upgrades off; the folder is shared by their
config (each knows the other's device id and address). Used by tests/sync/test_syncthing.py
and tests/bench/bench_sync_folder.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FOLDER_ID = "coopdesk"


def syncthing_unavailable() -> str | None:
    """Why the Syncthing tests cannot run here, or None when they can."""
    if shutil.which("syncthing") is None:
        return (
            "Syncthing is not installed (apt-get install -y syncthing); the sync folder's "
            "Syncthing integration test is skipped"
        )
    return None


def _free_ports(count: int) -> list[int]:
    """Distinct free ports: every socket stays bound until all are chosen."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


@dataclass
class Instance:
    name: str
    home: Path
    folder: Path
    gui_port: int
    listen_port: int
    api_key: str
    device_id: str = ""
    process: subprocess.Popen | None = None

    def rest(self, path: str) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.gui_port}{path}", headers={"X-API-Key": self.api_key}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def connected_to(self, other: Instance) -> bool:
        try:
            connections = self.rest("/rest/system/connections")["connections"]
        except OSError:
            return False
        return bool(connections.get(other.device_id, {}).get("connected"))


def _set(parent: ET.Element, tag: str, text: str) -> None:
    for old in parent.findall(tag):
        parent.remove(old)
    ET.SubElement(parent, tag).text = text


def _configure(me: Instance, other: Instance) -> None:
    path = me.home / "config.xml"
    tree = ET.parse(path)
    root = tree.getroot()
    gui = root.find("gui")
    assert gui is not None
    _set(gui, "address", f"127.0.0.1:{me.gui_port}")
    _set(gui, "apikey", me.api_key)
    options = root.find("options")
    assert options is not None
    for tag, value in {
        "listenAddress": f"tcp://127.0.0.1:{me.listen_port}",
        "globalAnnounceEnabled": "false",
        "localAnnounceEnabled": "false",
        "relaysEnabled": "false",
        "natEnabled": "false",
        "urAccepted": "-1",
        "startBrowser": "false",
        "crashReportingEnabled": "false",
        "autoUpgradeIntervalH": "0",
    }.items():
        _set(options, tag, value)
    for folder in root.findall("folder"):
        root.remove(folder)
    device = ET.SubElement(
        root,
        "device",
        id=other.device_id,
        name=other.name,
        compression="metadata",
        introducer="false",
    )
    ET.SubElement(device, "address").text = f"tcp://127.0.0.1:{other.listen_port}"
    folder = ET.Element(
        "folder",
        id=FOLDER_ID,
        label="CoopDesk",
        path=str(me.folder),
        type="sendreceive",
        rescanIntervalS="10",
        fsWatcherEnabled="true",
        fsWatcherDelayS="1",
    )
    ET.SubElement(folder, "device", id=me.device_id)
    ET.SubElement(folder, "device", id=other.device_id)
    root.insert(0, folder)
    tree.write(path)


@contextlib.contextmanager
def syncthing_pair(root: Path, timeout: float = 60) -> Iterator[tuple[Instance, Instance]]:
    """Two connected instances; their shared folders are ``root/<name>/Shared``."""
    env = {**os.environ, "STNODEFAULTFOLDER": "1", "STNOUPGRADE": "1", "STNORESTART": "1"}
    instances = []
    ports = iter(_free_ports(4))
    for name in ("A", "B"):
        home = root / name / "syncthing-home"
        folder = root / name / "Shared"
        folder.mkdir(parents=True)
        subprocess.run(
            ["syncthing", "generate", f"--home={home}", "--no-default-folder"],
            check=True,
            capture_output=True,
            env=env,
            timeout=60,
        )
        instance = Instance(
            name, home, folder, next(ports), next(ports), f"key-{name}-{os.getpid()}"
        )
        instance.device_id = subprocess.run(
            ["syncthing", "serve", f"--home={home}", "--device-id"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        ).stdout.strip()
        instances.append(instance)
    first, second = instances
    _configure(first, second)
    _configure(second, first)
    try:
        for instance in instances:
            log = (instance.home / "syncthing.log").open("wb")
            instance.process = subprocess.Popen(
                [
                    "syncthing",
                    "serve",
                    f"--home={instance.home}",
                    "--no-browser",
                    "--no-restart",
                    "--no-upgrade",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        deadline = time.time() + timeout
        while not (first.connected_to(second) and second.connected_to(first)):
            if time.time() > deadline:
                raise TimeoutError("the two Syncthing instances did not connect")
            time.sleep(0.3)
        yield first, second
    finally:
        for instance in instances:
            if instance.process is not None:
                instance.process.terminate()
        for instance in instances:
            if instance.process is not None:
                try:
                    instance.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    instance.process.kill()
                    instance.process.wait()
