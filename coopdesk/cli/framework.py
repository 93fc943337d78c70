"""What every command module uses: output, the store, who is acting, and adding commands."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from coopdesk.base.errors import CoopDeskError, NotFoundError
from coopdesk.base.i18n import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    _,
    known_language,
    language_from_environment,
    pin_language,
    set_language,
)
from coopdesk.base.paths import resolve_data_dir
from coopdesk.base.text import terminal_text
from coopdesk.coop import PIN_ENV, confirm_member_pin, coop_language, find_member, has_pin
from coopdesk.store.store import Store

Handler = Callable[[argparse.Namespace], int]


# Options of the top-level parser that take a value (skipped when looking for the command).
OPTIONS_WITH_VALUES = ("--data-dir", "--as", "--pin", "--lang")


def emit(args: argparse.Namespace, data: Any, text: str | Sequence[str]) -> None:
    """Print ``data`` as JSON with --json, else the human-readable ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
    elif isinstance(text, str):
        if text:
            print(terminal_text(text))
    else:
        for line in text:
            print(terminal_text(line))


def data_dir(args: argparse.Namespace) -> Path:
    return resolve_data_dir(getattr(args, "data_dir", None))


def open_store(args: argparse.Namespace) -> Store:
    """The store, once it is sure not to be a copy of another (see ``open_for_use``)."""
    from coopdesk.sync import open_for_use  # its keys: not for `coopdesk` opening the window

    store = Store.open(data_dir(args))
    try:
        notice = open_for_use(store)
    except BaseException:
        store.close()
        raise
    if not getattr(args, "language_chosen", True):
        set_language(coop_language(store))  # neither --lang nor the environment said
    if notice:
        print(_("coopdesk: {message}").format(message=notice), file=sys.stderr)
    return store


def author_of(args: argparse.Namespace, store: Store) -> str:
    """The member a change is attributed to: --as, else the member given at init.

    A member with a PIN must give it (--pin, $COOPDESK_PIN, or typed when asked in a
    terminal), as at the window's keyboard: anyone at a terminal could act as anyone else.
    """
    member_id = _chosen_member(args, store)
    pin = getattr(args, "pin", None) or os.environ.get(PIN_ENV)
    if not pin and has_pin(store, member_id) and sys.stdin.isatty():
        name = store.require("member", member_id)["name"]
        import getpass  # only when a PIN is asked for in a terminal

        pin = getpass.getpass(_("PIN for {name}: ").format(name=name))
    confirm_member_pin(store, member_id, pin)
    return member_id


def _chosen_member(args: argparse.Namespace, store: Store) -> str:
    chosen = getattr(args, "as_member", None)
    if chosen:
        member = find_member(store, chosen)
        if member is None:
            raise NotFoundError(
                _("--as {member}: no such member (give a member id from 'member list').").format(
                    member=chosen
                )
            )
        return member["id"]
    default = store.local_get("default_member_id")
    if not default:
        raise CoopDeskError(_("Say who is making this change with --as MEMBER_ID."))
    return str(default)


def _common() -> argparse.ArgumentParser:
    """Options accepted both before and after the command (``--json``, ``--data-dir``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=_("where the store lives (default: the user data dir, or $COOPDESK_DATA_DIR)"),
    )
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help=_("print machine-readable JSON"),
    )
    common.add_argument(
        "--as",
        dest="as_member",
        metavar="MEMBER_ID",
        default=argparse.SUPPRESS,
        help=_("the member making the change (default: the member given at init)"),
    )
    common.add_argument(
        "--pin",
        metavar="DIGITS",
        default=argparse.SUPPRESS,
        help=_(
            "the PIN of the member making the change, if they have one (or $COOPDESK_PIN;"
            " asked for in a terminal)"
        ),
    )
    common.add_argument(
        "--lang",
        metavar="CODE",
        default=argparse.SUPPRESS,
        help=_(
            "the language of messages: {codes} (default: $LANGUAGE, $LC_ALL or $LANG, else"
            " the coop's language; --json output stays English)"
        ).format(codes=", ".join(LANGUAGES)),
    )
    return common


def language_in(tokens: Sequence[str]) -> str:
    """The language ``--lang CODE`` (or ``--lang=CODE``) asks for among ``tokens``, else the
    environment's; "" for neither. Read before the parser is built, so its help and argparse's
    own words ("usage:") are in that language too."""
    words = list(tokens)
    for index, token in enumerate(words):
        if token == "--":
            break
        if token == "--lang" and index + 1 < len(words):
            return known_language(words[index + 1]) or language_from_environment()
        if token.startswith("--lang="):
            return known_language(token.removeprefix("--lang=")) or language_from_environment()
    return language_from_environment()


def choose_language(args: argparse.Namespace) -> None:
    """Messages in --lang, else the environment's language; the coop's default is applied
    when the store opens (``open_store``). ``--json`` is for scripts: always English."""
    if getattr(args, "json", False):
        set_language(SOURCE_LANGUAGE)
        args.language_chosen = True
        return
    asked = known_language(getattr(args, "lang", None))
    pin_language(asked or None)  # the window keeps an explicit --lang (``--lang xx``)
    chosen = asked or language_from_environment()
    set_language(chosen or SOURCE_LANGUAGE)
    args.language_chosen = bool(chosen)


class CommandLine:
    """Where command modules add their commands: ``add_commands(cli)`` in each module.

    Every command accepts ``--json``, ``--data-dir``, ``--as`` and ``--pin`` after its name
    too. Groups
    (``member``, ``shift``) are shared by name: a feature may add to another's group
    (``member balance`` comes from the shifts feature).
    """

    def __init__(self, commands: Any) -> None:
        self.commands = commands
        self._groups: dict[tuple[int, str], Any] = {}

    def command(
        self, name: str, handler: Handler, help_text: str, parent: Any = None
    ) -> argparse.ArgumentParser:
        parent = self.commands if parent is None else parent
        sub = parent.add_parser(name, parents=[_common()], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    def group(self, name: str, help_text: str, parent: Any = None) -> Any:
        """The subcommands of a group (``coopdesk shift ...``); a bare group prints its help."""
        parent = self.commands if parent is None else parent
        key = (id(parent), name)
        if key not in self._groups:
            group = parent.add_parser(
                name, parents=[_common()], help=help_text, description=help_text
            )
            group.set_defaults(handler=lambda _args: (group.print_help(), 2)[1])
            self._groups[key] = group.add_subparsers(
                title=_("{name} commands").format(name=name), metavar="COMMAND"
            )
        return self._groups[key]


# The namespace attribute naming a command's free-text argument (see ``free_text``).
FREE_TEXT = "_free_text"


def free_text(sub: argparse.ArgumentParser, dest: str, metavar: str, help_text: str) -> None:
    """A name or title typed as it is, even one starting with "-" (an item called "-2+3").

    argparse takes "-2+3" for an unknown option; ``main`` hands such a word to this argument
    when the command has no value for it yet. The ``NAME`` may also come after ``--``, last.
    """
    sub.add_argument(
        dest,
        nargs="?",
        metavar=metavar,
        help=_('{help} (one starting with "-", such as -2+3, works too)').format(help=help_text),
    )
    sub.set_defaults(**{FREE_TEXT: dest})


def id_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]
