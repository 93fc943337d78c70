"""Cyclic garbage is collected on the GUI thread, never in a sync worker thread."""

from __future__ import annotations

import gc

from coopdesk.gui.shell import garbage


def test_the_collector_turns_automatic_collection_off_and_collects_when_due(qapp):
    collector = garbage.install(qapp)
    assert garbage.install(qapp) is collector  # one per application
    assert not gc.isenabled()

    class Node:
        def __init__(self) -> None:
            self.me = self

    threshold = gc.get_threshold()[0]
    gc.collect()
    for _ in range(threshold + 10):
        Node()  # garbage that only the cycle collector can free
    assert gc.get_count()[0] > threshold
    assert collector.collect_if_due() >= threshold
