"""Running the real ``coopdesk`` command in a subprocess, as a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def coopdesk(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "COOPDESK_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "coopdesk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"coopdesk {' '.join(args)} failed: {result.stderr}")
    return result


def coopdesk_json(data_dir: Path, *args: str) -> Any:
    return json.loads(coopdesk(data_dir, *args, "--json").stdout)
