"""The ``coopdesk`` command line: a thin layer over the core, like calibre's ``calibredb``.

Every command calls the same core functions as the window. ``--json`` prints
machine-readable output. Errors a person can act on print one line to stderr and exit 1;
there are no tracebacks for them.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence

from coopdesk import __version__
from coopdesk.base.errors import CoopDeskError
from coopdesk.base.feature import all_features, resolve
from coopdesk.cli.framework import (
    OPTIONS_WITH_VALUES,
    CommandLine,
    _common,
)

# The commands this module defines; every other command word belongs to a feature (its
# ``Feature.command_words``). A word nobody claims builds everything, so argparse can say
# what is wrong, or show help.
APP_COMMANDS = ("init", "demo", "dump", "check")
APP_COMMANDS_MODULE = "coopdesk.cli.app"
# Without a command the window opens; ``self-test`` opens it offscreen and quits. They are
# the only commands that need Qt, loaded only for them.
WINDOW = "coopdesk.gui.shell.app:run"
SELF_TEST = "coopdesk.gui.shell.app:self_test"


# -- output -------------------------------------------------------------------------------


# -- commands -----------------------------------------------------------------------------


def cmd_self_test(args: argparse.Namespace) -> int:
    return resolve(SELF_TEST)(getattr(args, "data_dir", None))


def cmd_gui(args: argparse.Namespace) -> int:
    return resolve(WINDOW)(getattr(args, "data_dir", None))


# -- parser -------------------------------------------------------------------------------


def command_named(argv: Sequence[str]) -> str | None:
    """The command word in ``argv`` ("shift" in ``--json shift list``); None: open the app."""
    tokens = iter(argv)
    for token in tokens:
        if token in OPTIONS_WITH_VALUES:
            next(tokens, None)
        elif not token.startswith("-"):
            return token
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given ``argv``, only the parts that command needs.

    Opening the app (``coopdesk`` alone) builds no feature's parsers at all. Help (``-h``, or
    a command nobody claims) always gets everything.
    """
    name = None if argv is None else command_named(argv)
    features = [feature for feature in all_features() if feature.commands]
    everything = argv is None or "-h" in argv or "--help" in argv
    if name is not None and name not in (*APP_COMMANDS, "self-test"):
        everything = everything or all(name not in f.command_words for f in features)
    parser = argparse.ArgumentParser(
        prog="coopdesk",
        parents=[_common()],
        description="CoopDesk: members, shifts, rotating roles and shared supplies for a "
        "cooperative. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"CoopDesk {__version__}")
    parser.set_defaults(handler=cmd_gui)
    cli = CommandLine(parser.add_subparsers(title="commands", metavar="COMMAND"))
    cli.command("self-test", cmd_self_test, "open the main window offscreen and quit (for CI)")
    if everything or name in APP_COMMANDS:
        resolve(APP_COMMANDS_MODULE).add_commands(cli)
    for feature in features:
        if everything or name in feature.command_words:
            resolve(feature.commands).add_commands(cli)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CoopDeskError as exc:
        print(f"coopdesk: {exc}", file=sys.stderr)
        return 1
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            print(
                "coopdesk: the store is busy (another CoopDesk is writing); try again.",
                file=sys.stderr,
            )
        else:
            print(f"coopdesk: the store could not be used: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
