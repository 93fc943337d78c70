"""The ``coopdesk`` command line: a thin layer over the core, like calibre's ``calibredb``.

Every command calls the same core functions as the window. ``--json`` prints
machine-readable output. Errors a person can act on print one line to stderr and exit 1;
there are no tracebacks for them.
"""

from __future__ import annotations

import argparse
import gc
import json
import sqlite3
import sys
from collections.abc import Sequence
from typing import NoReturn

from coopdesk import __version__
from coopdesk.base.errors import CoopDeskError
from coopdesk.base.feature import all_features, resolve
from coopdesk.base.i18n import SOURCE_LANGUAGE, _, set_language
from coopdesk.base.text import shown
from coopdesk.cli.argparse_words import speak_our_language
from coopdesk.cli.framework import (
    FREE_TEXT,
    OPTIONS_WITH_VALUES,
    CommandLine,
    _common,
    choose_language,
    language_in,
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
    parser = Parser(
        prog="coopdesk",
        parents=[_common()],
        description=_(
            "CoopDesk: members, shifts, rotating roles and shared supplies for a "
            "cooperative. Without a command, opens the app."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"CoopDesk {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.set_defaults(handler=cmd_gui)
    cli = CommandLine(parser.add_subparsers(title=_("commands"), metavar="COMMAND"))
    cli.command("self-test", cmd_self_test, _("open the main window offscreen and quit (for CI)"))
    if everything or name in APP_COMMANDS:
        resolve(APP_COMMANDS_MODULE).add_commands(cli)
    for feature in features:
        if everything or name in feature.command_words:
            resolve(feature.commands).add_commands(cli)
    return parser


class Parser(argparse.ArgumentParser):
    """argparse, whose usage errors are JSON on stderr too when ``--json`` was asked for."""

    json_errors = False

    def error(self, message: str) -> NoReturn:
        if Parser.json_errors:
            report(
                _("{message} (see '{prog} --help')").format(message=message, prog=self.prog),
                "usage",
                as_json=True,
            )
            self.exit(2)
        super().error(message)


def report(message: str, code: str, *, as_json: bool) -> None:
    """An error on stderr: one line of text, or ``{"error": ..., "code": ...}`` with --json.

    The codes are stable English words scripts can test (``coopdesk.base.errors``).
    """
    if as_json:
        print(json.dumps({"error": message, "code": code}, ensure_ascii=False), file=sys.stderr)
    else:
        print(_("coopdesk: {message}").format(message=shown(message, limit=2000)), file=sys.stderr)


def json_asked(argv: Sequence[str]) -> bool:
    tokens = list(argv)
    options = tokens[: tokens.index("--")] if "--" in tokens else tokens
    return "--json" in options


def parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``argv``; a word starting with "-" goes to the command's free text (a name).

    argparse reads "-2+3" as an unknown option: when the command takes a free-text NAME
    (``framework.free_text``) that was not given, that one word is the name.
    """
    args, extras = parser.parse_known_args(argv)
    dest = getattr(args, FREE_TEXT, None)
    if dest and getattr(args, dest, None) is None and len(extras) == 1:
        setattr(args, dest, extras.pop())
    if extras:
        parser.error(_("unrecognized arguments: %s") % " ".join(extras))
    if dest and getattr(args, dest, None) is None:
        parser.error(_("the following arguments are required: %s") % dest.upper())
    return args


def main(argv: Sequence[str] | None = None) -> int:
    tokens = list(sys.argv[1:] if argv is None else argv)
    as_json = json_asked(tokens)
    speak_our_language()
    # What --json prints is read by scripts: its messages and summaries stay English. Else
    # the parser (its help, argparse's "usage:") is built in the language asked for.
    set_language(SOURCE_LANGUAGE if as_json else (language_in(tokens) or SOURCE_LANGUAGE))
    Parser.json_errors = as_json
    parser = build_parser(tokens)
    args = parse(parser, tokens)
    choose_language(args)
    try:
        return int(args.handler(args) or 0)
    except CoopDeskError as exc:
        report(str(exc), exc.code, as_json=as_json)
        return 1
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            report(
                _("the store is busy (another program is using it); try again in a moment."),
                "store_busy",
                as_json=as_json,
            )
        else:
            report(
                _("the store could not be used: {exc}").format(exc=exc),
                "store_error",
                as_json=as_json,
            )
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def run_program() -> NoReturn:
    """The ``coopdesk`` program (its console script, ``python -m coopdesk``, the packaged app):
    ``main`` on the process's own arguments, then exit with its code.

    By then every file is written and the store closed. Python's last garbage collections at
    exit walk every object still alive: with Qt and the window's modules loaded, tens of
    thousands, about a sixth of the time ``coopdesk self-test`` takes (and more than a quick
    command's own work). Frozen, they are skipped; the output and exit code are the same.
    Tests call ``main`` itself, so their process keeps collecting.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run_program()
