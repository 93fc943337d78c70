"""The task runner: long work on a worker thread, results and errors back on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from coopdesk.base.errors import ValidationError
from coopdesk.coop.members import add_member, count_members, find_member
from coopdesk.gui.kit.background import TaskCancelled, run_store_task, run_task
from coopdesk.gui.kit.hub import StoreHub
from coopdesk.store.changes import Changes


class Outcomes:
    """Records which callback ran, and on which thread."""

    def __init__(self) -> None:
        self.done: list[object] = []
        self.errors: list[str] = []
        self.cancelled = 0
        self.threads: set[int] = set()

    def on_done(self, result: object) -> None:
        self.threads.add(threading.get_ident())
        self.done.append(result)

    def on_error(self, message: str) -> None:
        self.threads.add(threading.get_ident())
        self.errors.append(message)

    def on_cancelled(self) -> None:
        self.threads.add(threading.get_ident())
        self.cancelled += 1


def test_store_task_writes_with_its_own_store_and_the_hub_announces_it(qtbot, store, ana):
    outcomes = Outcomes()
    announced: list[Changes] = []
    StoreHub.for_store(store).changed.connect(announced.append)
    worker_threads: list[int] = []

    def import_members(worker_store, report_progress, is_cancelled):
        worker_threads.append(threading.get_ident())
        assert worker_store is not store
        for number, name in enumerate(("Kofi", "Mei", "Rosa"), start=1):
            add_member(worker_store, ana, name)
            report_progress(number, 3, f"Added {name}")
        return 3

    handle = run_store_task(
        None, store, "Importing", import_members, outcomes.on_done, outcomes.on_error
    )
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    assert outcomes.done == [3] and outcomes.errors == []
    assert worker_threads[0] != threading.get_ident()  # the work ran off the GUI thread
    assert outcomes.threads == {threading.get_ident()}  # the result came back on it
    assert [c.tables for c in announced] == [frozenset({"member"})]  # once, for all three
    assert find_member(store, "Mei") is not None  # the GUI's own store sees the rows


def test_a_coopdesk_error_becomes_a_message_and_nothing_is_written(qtbot, store, ana):
    outcomes = Outcomes()

    def bad_import(worker_store, report_progress, is_cancelled):
        with worker_store.transaction(ana) as tx:
            tx.insert("member", {"name": "Half Done"})
            raise ValidationError("Line 3: the bundle is damaged.")

    handle = run_store_task(
        None, store, "Importing", bad_import, outcomes.on_done, outcomes.on_error
    )
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    assert outcomes.errors == ["Line 3: the bundle is damaged."]
    assert outcomes.done == []
    assert find_member(store, "Half Done") is None
    assert count_members(store) == 1


def test_cancel_stops_the_work_and_reports_neither_result_nor_error(qtbot):
    outcomes = Outcomes()
    started = threading.Event()

    def long_work(report_progress, is_cancelled):
        started.set()
        while not is_cancelled():
            threading.Event().wait(0.01)
        raise TaskCancelled()

    handle = run_task(
        None, "Working", long_work, outcomes.on_done, outcomes.on_error, outcomes.on_cancelled
    )
    assert started.wait(10)
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        qtbot.mouseClick(handle.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert outcomes.cancelled == 1
    assert outcomes.done == [] and outcomes.errors == []
    assert handle.outcome == "cancelled"


def test_an_unexpected_failure_is_reported_not_raised(qtbot):
    outcomes = Outcomes()

    def broken(report_progress, is_cancelled):
        return 1 / 0

    handle = run_task(None, "Working", broken, outcomes.on_done, outcomes.on_error)
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    assert len(outcomes.errors) == 1 and outcomes.errors[0].startswith("Something went wrong")
