"""What a feature is, to the rest of CoopDesk: one object naming everything it plugs in.

Each feature package (``coopdesk.coop``, ``coopdesk.shifts``, ...) declares one ``Feature``
in its ``__init__``, and ``coopdesk.features.FEATURES`` lists them, in dependency order. The
store takes its replicated tables from there, the command line its commands, the demo its
steps, the window its sections and Today panels. Nothing else keeps a list of features.

The command line and the window are named by dotted path ("module:attribute"), not
imported: the core never imports Qt, and opening the window or running one command loads
only what it needs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coopdesk.store.schema import TableSpec

FEATURES_MODULE = "coopdesk.features"


@dataclass(frozen=True)
class Section:
    """A section of the main window: its sidebar entry and its page ("module:Class")."""

    key: str
    title: str
    page: str
    # Ctrl+<digit> goes there; sections are listed in this order.
    order: int
    hint: str = ""


@dataclass(frozen=True)
class Feature:
    """One feature: its tables, and where its commands, demo, page and panels are."""

    name: str
    # Replicated tables, in dependency order (a table refers only to tables listed before).
    tables: tuple[TableSpec, ...] = ()
    # "module" with ``add_commands(commands, command)``, and the top-level command words it
    # adds, so ``coopdesk shift ...`` builds only the parsers of that feature.
    commands: str = ""
    command_words: tuple[str, ...] = ()
    # Demo data: (order, "module:function") steps, each ``function(context)``; the demo runs
    # every feature's steps by order (members 10, pantry 20, shifts 30, inventory 50, roles
    # 70 and tasks 75 after them, so the earlier steps need no mandate).
    demo_steps: tuple[tuple[int, str], ...] = ()
    # "module:function" returning the feature's Today panels for a Today page.
    today: str = ""
    # "module:function" of extra integrity checks: ``function(store) -> list[str]`` problems.
    checks: str = ""
    sections: tuple[Section, ...] = ()


def resolve(target: str) -> Any:
    """The object a "module:attribute" path names (or the module, without an attribute)."""
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def all_features() -> tuple[Feature, ...]:
    """Every feature, in dependency order (imported on first use: see the module's note)."""
    return resolve(f"{FEATURES_MODULE}:FEATURES")
