"""Where a site's data lives.

One store per site, in the user data directory that platformdirs gives for "CoopDesk"
(for example ``~/.local/share/CoopDesk`` on Linux). ``--data-dir`` on the command line, or
the ``COOPDESK_DATA_DIR`` environment variable, points elsewhere: a second site on the
same computer, a test, a portable install.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "CoopDesk"
STORE_FILENAME = "coopdesk.sqlite3"
DATA_DIR_ENV = "COOPDESK_DATA_DIR"
STATE_DIR_ENV = "COOPDESK_STATE_DIR"


def default_data_dir() -> Path:
    """The platform's per-user data directory for CoopDesk."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=True))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: the explicit one, else the environment's, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_data_dir()


def state_dir() -> Path:
    """This user's CoopDesk state on this computer, outside every data folder.

    It holds what must not travel with a copied data folder (the registry of store
    instances, see coopdesk/sync/identity.py). ``COOPDESK_STATE_DIR`` points elsewhere
    (tests).
    """
    from_env = os.environ.get(STATE_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME, appauthor=False))


def store_path(data_dir: Path) -> Path:
    return data_dir / STORE_FILENAME


def resources_dir() -> Path:
    """The resources/ folder, both from a checkout and inside the PyInstaller bundle."""
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        return Path(bundle_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
