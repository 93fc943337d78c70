"""Every feature of CoopDesk, in dependency order: the one list (see ``coopdesk.base.feature``).

A feature is listed after the features it uses. Adding one: write its package with a
``FEATURE`` in its ``__init__`` and add it here.
"""

from __future__ import annotations

from coopdesk import coop, decisions, inventory, reports, roles, shifts, sync, tasks
from coopdesk.base.feature import Feature

FEATURES: tuple[Feature, ...] = (
    coop.FEATURE,
    sync.FEATURE,
    roles.FEATURE,
    shifts.FEATURE,
    tasks.FEATURE,
    inventory.FEATURE,
    decisions.FEATURE,
    reports.FEATURE,
)
