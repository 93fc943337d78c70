"""Demo data: roles with a few months of history, chores and tasks (see ``coopdesk.demo``)."""

from __future__ import annotations
