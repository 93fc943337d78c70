"""The ``coopdesk`` commands for roles, chores and tasks: a thin layer over the core."""

from __future__ import annotations

from typing import Any


def add_commands(commands: Any, command: Any) -> None:
    """Add this feature's commands to the top-level parser (see ``coopdesk.cli``)."""
