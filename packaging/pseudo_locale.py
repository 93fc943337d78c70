"""Write the pseudo-language ``xx`` from a .pot: every message accented and ~40% longer.

Run by ``make translations``. ``coopdesk --lang xx`` then shows a window where every
translated word is visibly different ("[Ŝàvé ~~~]"): an English word left shows a string that
is not marked for translation, a missing "]" a label that is cut off. Placeholders
({name}, %s), Qt mnemonics (&), HTML tags and entities are kept as they are.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ACCENTED = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
        strict=True,
    )
)
# What must reach the translation unchanged: format fields, printf fields, tags, entities.
KEEP = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|<[^>]*>|&\w+;|\\.")
GROWTH = 0.4
PADDING_WORD = 8  # the longest run of tildes: a long word of a real language


def pseudo(text: str) -> str:
    """``text`` accented and padded to about 140% of its length, inside [ ]."""
    if not text:
        return text
    out: list[str] = []
    position = 0
    for match in KEEP.finditer(text):
        out.append("".join(ACCENTED.get(char, char) for char in text[position : match.start()]))
        out.append(match.group())
        position = match.end()
    out.append("".join(ACCENTED.get(char, char) for char in text[position:]))
    body = "".join(out)
    # Keep a trailing newline or colon where the code expects it.
    tail = ""
    while body and body[-1] in "\n:":
        body, tail = body[:-1], body[-1] + tail
    return f"[{body} {padding(len(text))}]{tail}"


def padding(length: int) -> str:
    """About ``GROWTH`` of ``length`` in tildes, in words of at most ``PADDING_WORD``: a
    long sentence's padding wraps as a translation's words do, instead of being one word
    wider than any window."""
    tildes = max(1, math.ceil(length * GROWTH) - 2)
    words = [PADDING_WORD] * (tildes // (PADDING_WORD + 1))
    rest = tildes - len(words) * (PADDING_WORD + 1)
    return " ".join(["~" * n for n in words] + (["~" * rest] if rest > 0 else []))


def main(pot: str, po: str) -> None:
    with open(pot, "rb") as handle:
        template = read_po(handle)
    catalog = Catalog(
        project="CoopDesk",
        header_comment="# The pseudo-language: generated, do not edit.",
        fuzzy=False,
    )
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            forms = [pseudo(message.id[0]), pseudo(message.id[1])]
            catalog.add(message.id, forms, locations=(), flags=message.flags)
        else:
            catalog.add(message.id, pseudo(message.id), locations=(), flags=message.flags)
    catalog.locale = None
    target = Path(po)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, width=0)


if __name__ == "__main__":
    main(*sys.argv[1:3])
