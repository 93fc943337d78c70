"""Ids: random ones for new rows, derived ones for rows two sites make alike, folded text."""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uuid import UUID

# uuid is imported on first use: with the platform module it loads it took 3 to 4 ms of
# CPU, a tenth of what opening the window spends in CoopDesk's own imports, and opening the
# window makes no id.


def new_id() -> str:
    import uuid

    return str(uuid.uuid4())


# Ids derived from what a row is about (a shift from its template and date, a sign-up from
# its shift and member): two sites that make "the same" row independently make one row.
DERIVED_ID_NAMESPACE = "6f0c3a52-5b7e-4d4e-9a59-1c0f3d2b7a11"


@cache
def _derived_namespace() -> UUID:
    import uuid

    return uuid.UUID(DERIVED_ID_NAMESPACE)


def derived_id(kind: str, *parts: str) -> str:
    """A stable UUID (version 5) for ``kind`` and its parts; the same at every site."""
    import uuid

    return str(uuid.uuid5(_derived_namespace(), "\x1f".join((kind, *parts))))


@lru_cache(maxsize=1 << 16)
def fold(text: str | None) -> str:
    """Lower-case and strip accents, so a search for "tomas" finds "Tomás".

    Cached: search calls it for every row on every keystroke, mostly on the same texts.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
