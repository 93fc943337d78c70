"""argparse's own words ("usage:", "show this help message and exit", …) in our catalogue.

argparse calls the ``_`` and ``ngettext`` it imported from the gettext module, whose default
domain CoopDesk has no catalogue for: ``coopdesk --lang es --help`` said "usage:" and
"options:". ``speak_our_language`` points argparse at CoopDesk's ``_`` and ``ngettext``; the
msgids below are argparse's own (Python 3.11 to 3.13), listed so ``make translations``
extracts them into core.pot. argparse fills their ``%s`` / ``%(name)s`` itself.
"""

from __future__ import annotations

import argparse

from coopdesk.base.i18n import N_, _, ngettext

ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("unrecognized arguments: %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)


def _expected_arguments(count: int) -> str:
    """Marks argparse's one plural for extraction (it asks for it with ``%s``)."""
    return ngettext("expected %s argument", "expected %s arguments", count)


def speak_our_language() -> None:
    """argparse looks its words up in CoopDesk's catalogues, in the current language."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
