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
from collections.abc import Callable
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
    # "module:function" run while the demo plays the other sites, ``function(ctx, others)``
    # with their stores by site name: after their own changes, before their bundles go out.
    demo_at_other_sites: str = ""
    # "module:function" returning the feature's Today panels for a Today page.
    today: str = ""
    # "module:function" called once with the main window when it is built, returning an
    # object the window keeps as long as it lives (the sync folder's watcher).
    window_service: str = ""
    # "module:function" of extra integrity checks: ``function(store) -> list[str]`` problems.
    checks: str = ""
    sections: tuple[Section, ...] = ()
    # "module:function" run just before a bundle is made, ``function(store)``: the decisions
    # feature releases the secret ballots waiting in this site's ballot box.
    before_export: str = ""
    # "module:function" deciding who may take a gated action, ``function(tx, action,
    # detail)``: raises if the author may not, records the use if a role allowed it. One
    # feature (roles) declares it; the write path asks it (``Transaction.use_mandate``).
    authority: str = ""
    # "module:function" run before every local transaction commits, ``function(tx)``: asks
    # for every mandate the transaction's changes need (the roles feature).
    gate: str = ""
    # Checking what arrives from other sites by the feature's own rules: "module:function"
    # with ``function(merge) -> {(origin, seq): reason}``, the transactions to hold (kept,
    # not applied). ``arrival_checks`` judge the changes themselves, before they are applied;
    # ``merge_rules`` judge them against the coop as it is once they are (a mandate needs
    # the roles the same bundle brought).
    arrival_checks: str = ""
    merge_rules: str = ""
    # Tables whose change (from any site) means ``merge_rules`` judge the whole log again,
    # not only what arrived: roles that arrive late restrict changes already accepted, and
    # changes held only by a role that is gone are let in. So every site holds the same.
    rejudge_on: tuple[str, ...] = ()
    # "module:function" naming the mandate a change to one of the feature's tables needs,
    # ``function(store, table, op, fields, row_id, author) -> action | None``: the roles
    # feature asks it for tables it does not know, for local transactions and arrivals alike.
    mandates_needed: str = ""


def resolve(target: str) -> Any:
    """The object a "module:attribute" path names (or the module, without an attribute)."""
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def authority_path() -> str:
    """The one feature's authority ("module:function"), or "" when no feature decides."""
    paths = [feature.authority for feature in all_features() if feature.authority]
    if len(paths) > 1:
        raise AssertionError(f"more than one feature decides who may act: {paths}")
    return paths[0] if paths else ""


def gate_path() -> str:
    """The one feature's transaction gate ("module:function"), or ""."""
    paths = [feature.gate for feature in all_features() if feature.gate]
    return paths[0] if paths else ""


def all_features() -> tuple[Feature, ...]:
    """Every feature, in dependency order (imported on first use: see the module's note)."""
    return resolve(f"{FEATURES_MODULE}:FEATURES")


def public_api(
    package: str, names_by_module: dict[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for a feature package's public names.

    A feature declares, in its ``__init__``, the names other features may use and the module
    each lives in; they are loaded on first use (PEP 562), so importing a feature costs
    nothing until one of its names is needed, and the window opens without loading, say,
    the merge or cryptography.
    """
    where = {
        name: f"{package}.{module}" for module, names in names_by_module.items() for name in names
    }

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(where[name]), name)

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__, sorted(where)
