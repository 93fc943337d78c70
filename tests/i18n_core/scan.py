"""Words people read that are not marked for translation: an AST walk over coopdesk/.

``unmarked_words()`` lists every string literal with letters that reaches a person without
going through ``_``, ``ngettext`` or ``N_``:

- an f-string with literal words (gettext cannot extract it, whatever is done with it);
- a literal given to a ``SomethingError(...)`` of CoopDesk's own (the builtin ``ValueError``
  and friends are for programmers: a CoopDeskError is what a person reads);
- a literal printed: ``print``, the text of ``emit(args, data, TEXT)``, ``report(TEXT)``;
- a command line's help: ``help=``, ``description=``, ``title=``, and the help text of
  ``cli.command`` / ``cli.group`` / ``free_text``;
- in the window: labels, buttons, titles, tool tips, placeholder texts, message boxes.

SQL, file names, JSON keys, log keys and text the store keeps and syncs (a mandate's use,
a reason a change was held, a stock movement's note) are not words to translate: they are
named in ``ALLOWED`` (tests/i18n_core/test_every_word_is_marked.py), each with its reason.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "coopdesk"
MARKERS = frozenset({"_", "ngettext", "npgettext", "N_"})
# A word: three letters in a row ("ok", "No" and format codes such as "%H:%M" are not).
WORD = re.compile(r"[A-Za-z]{3,}")
SQL = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP INDEX|DROP TRIGGER|ALTER TABLE|PRAGMA|WHERE|"
    r"FROM|JOIN|VALUES|AND|OR|NOT IN|NOT NULL|IS NOT|ORDER BY|COLLATE|LIKE|REFERENCES|SAVEPOINT|"
    r"WHEN|THEN|CASE|coalesce|json_extract|strftime|substr|trim|date)\b|= \?|= :|"
    r"\b(NEW|OLD)\.rowid|= NEW\."
)
# Errors for programmers, never shown as such to a person.
PROGRAMMER_ERRORS = frozenset(
    {
        "ValueError",
        "TypeError",
        "RuntimeError",
        "AssertionError",
        "KeyError",
        "NotImplementedError",
        "AttributeError",
        "LookupError",
        "IndexError",
        "OSError",
        "ImportError",
        "DecryptionError",  # caught and said again in words (sync.invite)
    }
)
# Qt calls whose string arguments are shown.
SHOWN_BY_QT = frozenset(
    {
        "QLabel",
        "QPushButton",
        "QCheckBox",
        "QRadioButton",
        "QGroupBox",
        "QAction",
        "QToolButton",
        "setText",
        "setToolTip",
        "setWindowTitle",
        "setPlaceholderText",
        "setStatusTip",
        "setTitle",
        "addAction",
        "addTab",
        "addItem",
        "addRow",
        "showMessage",
        "show_message",
        "information",
        "warning",
        "critical",
        "question",
        "setHorizontalHeaderLabels",
        "setAccessibleName",
        "setAccessibleDescription",
        "setWhatsThis",
    }
)
# The kind of a message bar (``show_message("error", title, text)``), not its words.
MESSAGE_KINDS = frozenset({"ok", "error", "info", "warning"})
FIRST_ONLY = frozenset({"addItem", "addRow", "showMessage", "addTab"})
HELP_KEYWORDS = frozenset({"help", "description", "title", "epilog", "help_text"})
# The positional argument that is a help text: cli.command(name, handler, HELP),
# cli.group(name, HELP), free_text(sub, dest, metavar, HELP), emit(args, data, TEXT).
HELP_POSITION = {"command": 2, "group": 1, "free_text": 3, "emit": 2, "report": 0}


@dataclass(frozen=True)
class Unmarked:
    path: str  # relative to the repository, "coopdesk/store/check.py"
    line: int
    kind: str  # "f-string", "error", "printed", "help", "window", "label", "piece"
    text: str  # the literal parts, placeholders left out

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.text!r}"


def literal_text(node: ast.AST) -> str | None:
    """The words of a string literal or f-string (its placeholders left out)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    return None


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


MARKUP = re.compile(r"<[^>]*>|&\w+;")
# Names that read the same in every language.
PROPER_NAMES = frozenset({"CoopDesk"})


def _has_words(text: str | None) -> bool:
    text = MARKUP.sub(" ", text or "")  # words inside HTML tags are not read
    if not text.strip() or text.strip() in PROPER_NAMES:
        return False
    if SQL.search(text):
        return False
    # A file name, a key or a pattern ("-wal", "coopdesk-*.db", "stock_move") has no space
    # and more than letters; a lone word ("members") may still be shown.
    return bool(WORD.search(text)) and (" " in text.strip() or text.strip().isalpha())


def _texts(node: ast.AST) -> Iterator[ast.AST]:
    """The literals a shown argument is made of: "a" + f"b", ("x" if c else "y"), [..]."""
    if isinstance(node, ast.Constant | ast.JoinedStr):
        yield node
    elif isinstance(node, ast.BinOp):
        yield from _texts(node.left)
        yield from _texts(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _texts(node.body)
        yield from _texts(node.orelse)
    elif isinstance(node, ast.BoolOp):  # [...] or ["No members match."]
        for value in node.values:
            yield from _texts(value)
    elif isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            yield from _texts(item)
    elif isinstance(node, ast.ListComp | ast.GeneratorExp):
        yield from _texts(node.elt)


def _scan_file(path: Path, package: Path) -> Iterator[Unmarked]:
    relative = path.relative_to(package.parent).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents: dict[ast.AST, ast.AST] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent

    def marked(node: ast.AST) -> bool:
        """Inside ``_(...)``, ``ngettext(...)`` or ``N_(...)`` (then extracted as it is)."""
        above = parents.get(node)
        while above is not None:
            if isinstance(above, ast.Call) and _called_name(above) in MARKERS:
                return True
            above = parents.get(above)
        return False

    def is_docstring(node: ast.AST) -> bool:
        above = parents.get(node)
        return isinstance(above, ast.Expr)

    seen: set[int] = set()

    def found(node: ast.AST, kind: str) -> Iterator[Unmarked]:
        text = literal_text(node)
        if id(node) in seen or not _has_words(text) or marked(node):
            return
        seen.add(id(node))
        yield Unmarked(relative, getattr(node, "lineno", 0), kind, text or "")

    in_window = relative.startswith("coopdesk/gui/")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        shown: list[tuple[ast.AST, str]] = []
        if name.endswith("Error") and name not in PROGRAMMER_ERRORS:
            shown += [(arg, "error") for arg in node.args[:1]]
        if name == "__init__" and isinstance(node.func, ast.Attribute):
            above = node.func.value  # super().__init__("...") in an error's own __init__
            if isinstance(above, ast.Call) and _called_name(above) == "super":
                shown += [(arg, "error") for arg in node.args[:1]]
        if name == "Column" and len(node.args) > 2:  # a column's label, said in its errors
            shown.append((node.args[2], "label"))
        if name == "format" and isinstance(node.func, ast.Attribute):
            template = node.func.value  # _("{value} the template").format(value="Added")
            if isinstance(template, ast.Call) and _called_name(template) in MARKERS:
                shown += [(kw.value, "piece") for kw in node.keywords]
        if name == "print":
            shown += [(arg, "printed") for arg in node.args]
        if name in HELP_POSITION and len(node.args) > HELP_POSITION[name]:
            kind = "printed" if name in ("emit", "report") else "help"
            shown.append((node.args[HELP_POSITION[name]], kind))
        shown += [(kw.value, "help") for kw in node.keywords if kw.arg in HELP_KEYWORDS]
        if in_window and name in SHOWN_BY_QT:
            # addItem(label, data), show_message(text, kind): only the first is shown.
            arguments = node.args[:1] if name in FIRST_ONLY else node.args
            shown += [(arg, "window") for arg in arguments]
        for argument, kind in shown:
            for text in _texts(argument):
                if name == "show_message" and literal_text(text) in MESSAGE_KINDS:
                    continue
                yield from found(text, kind)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and not is_docstring(node):
            yield from found(node, "f-string")


def unmarked_words(package: Path = PACKAGE) -> list[Unmarked]:
    """Every unmarked literal that reads like words, in source order."""
    found: list[Unmarked] = []
    for path in sorted(package.rglob("*.py")):
        found.extend(_scan_file(path, package))
    return sorted(found, key=lambda item: (item.path, item.line))
