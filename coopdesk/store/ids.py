"""Ids: random ones for new rows, derived ones for rows two sites make alike, folded text."""

from __future__ import annotations

import unicodedata
import uuid
from functools import lru_cache


def new_id() -> str:
    return str(uuid.uuid4())


# Ids derived from what a row is about (a shift from its template and date, a sign-up from
# its shift and member): two sites that make "the same" row independently make one row.
DERIVED_ID_NAMESPACE = uuid.UUID("6f0c3a52-5b7e-4d4e-9a59-1c0f3d2b7a11")


def derived_id(kind: str, *parts: str) -> str:
    """A stable UUID (version 5) for ``kind`` and its parts; the same at every site."""
    return str(uuid.uuid5(DERIVED_ID_NAMESPACE, "\x1f".join((kind, *parts))))


@lru_cache(maxsize=1 << 16)
def fold(text: str | None) -> str:
    """Lower-case and strip accents, so a search for "tomas" finds "Tomás".

    Cached: search calls it for every row on every keystroke, mostly on the same texts.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
