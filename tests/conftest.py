"""Shared fixtures. GUI tests run offscreen: no display is needed anywhere."""

from __future__ import annotations

import gc
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from hypothesis import settings

from coopdesk.coop.coop import start_coop
from coopdesk.store.store import Store

# Property tests explore new random examples on every `make test` (``explore``). CI runs the
# ``ci`` profile: the same examples on every run (derived from each test), so a red CI always
# reproduces here with COOPDESK_HYPOTHESIS_PROFILE=ci; `make soak` explores many more.
settings.register_profile("explore", print_blob=True)
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("COOPDESK_HYPOTHESIS_PROFILE", "explore"))


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the real user data dir, state dir or the real QSettings."""
    monkeypatch.setenv("COOPDESK_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    # The registry of store instances (copy detection) lives outside every data folder.
    monkeypatch.setenv("COOPDESK_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture(autouse=True)
def _english_unless_a_test_says(monkeypatch: pytest.MonkeyPatch):
    """Tests read English: the environment's language is not theirs, and a test that
    switches the (process-wide) language leaves English behind it."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield
    from coopdesk.base import i18n

    i18n.pin_language(None)
    if i18n.current_language() != i18n.SOURCE_LANGUAGE:
        if "PySide6.QtWidgets" in sys.modules:
            from coopdesk.gui.shell.language import apply_language

            apply_language(i18n.SOURCE_LANGUAGE)
        else:
            i18n.set_language(i18n.SOURCE_LANGUAGE)


@pytest.fixture(scope="session", autouse=True)
def _collect_garbage_on_the_main_thread():
    """As the app does (coopdesk/gui/garbage.py): no cycle collection in worker threads.

    Widgets left in reference cycles by one test must not be destroyed from a sync worker
    thread of a later test; they are collected here, on the main thread, after each test.
    """
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test():
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _questions_must_be_answered(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """A question box waits for a click nobody makes in a test: fail at once instead.

    GUI tests answer with ``monkeypatch.setattr(dialogs, "confirm", ...)``; the core's tests
    never load the window (so Qt is only imported where the window is).
    """
    if "qtbot" not in request.fixturenames:
        return
    from coopdesk.gui.kit import dialogs

    def unanswered(_parent, title: str, text: str, *_labels: str) -> bool:
        raise AssertionError(
            f"the window asked “{title}” ({text.splitlines()[0]}) and the test gave no answer: "
            "monkeypatch coopdesk.gui.kit.dialogs.confirm"
        )

    monkeypatch.setattr(dialogs, "confirm", unanswered)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "site"


@pytest.fixture
def store(data_dir: Path):
    """A new coop "Test Coop" at site "Kitchen" whose first member is Ana."""
    opened = start_coop(data_dir, "Test Coop", "Kitchen", "Ana")
    yield opened
    opened.close()


@pytest.fixture
def ana(store: Store) -> str:
    return str(store.local_get("default_member_id"))
