"""JSON that came from elsewhere, read without letting it crash or swamp the reader.

Python's ``json`` recurses once per nested array or object and raises ``RecursionError`` at
about a thousand levels; SQLite's JSON functions stop at a thousand too. A few kilobytes of
``[[[[…`` can therefore break any code that parses a value from a bundle, long after the
bundle was accepted. So nothing CoopDesk reads from another computer is parsed before its
nesting is known to be shallow: ``nesting_within`` finds out cheaply (it never builds the
value), and ``loads`` refuses deep or malformed text with a ``ValueError``, like any other
malformed JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

# No JSON that CoopDesk writes nests deeper than this (a bundle's header nests 3 levels, a
# change's versions 4); what nests deeper did not come from CoopDesk.
MAX_NESTING = 16

# A JSON string literal, escapes included (unrolled so that long strings match quickly).
_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET_RE = re.compile(r"[^\[\]{}]+")
_INNERMOST_RE = re.compile(r"\[\]|\{\}")


def nesting_within(text: str | bytes, limit: int = MAX_NESTING) -> bool:
    """Whether JSON ``text`` nests arrays and objects at most ``limit`` levels deep.

    Brackets inside strings do not count. Text whose brackets do not pair up is not JSON
    and gives False. Cheap: one count when the text opens few brackets, else a few
    passes of regular expressions over its brackets; nothing is parsed.
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    if text.count("[") + text.count("{") <= limit:
        return True  # it cannot nest deeper than the brackets it opens
    skeleton = _NOT_BRACKET_RE.sub("", _STRING_RE.sub("", text))
    for _level in range(limit):
        if not skeleton:
            return True
        skeleton, removed = _INNERMOST_RE.subn("", skeleton)
        if not removed:
            return False
    return not skeleton


def loads(text: str | bytes, limit: int = MAX_NESTING) -> Any:
    """``json.loads``, except that text nested deeper than ``limit`` is a ``ValueError`` too."""
    if not nesting_within(text, limit):
        raise ValueError("JSON nested too deeply")
    try:
        return json.loads(text)
    except RecursionError:  # never with the check above; kept so no input can escape as one
        raise ValueError("JSON nested too deeply") from None
