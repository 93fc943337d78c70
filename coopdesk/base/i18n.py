"""The words people read, in the language of whoever is at the keyboard.

One set of gettext catalogues (extracted and compiled with Babel: ``make translations``) for
the core and the window, so an error raised deep in the core reads in the same language as
the window around it. ``core.po`` holds the core's words, ``window.po`` the window's; both
are looked up by the one ``_``. The language is process-wide: one member at one keyboard at a
time; the window switches it when another member takes the keyboard. ``--json`` output that
scripts read never goes through ``_``.
"""

from __future__ import annotations

import gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAINS = ("core", "window")
SOURCE_LANGUAGE = "en"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def _load(language: str) -> gettext.NullTranslations:
    merged: gettext.NullTranslations | None = None
    for domain in DOMAINS:
        found = gettext.translation(
            domain, localedir=str(LOCALE_DIR), languages=[language], fallback=True
        )
        if merged is None:
            merged = found
        elif found is not merged:
            merged.add_fallback(found)
    return merged or gettext.NullTranslations()


def set_language(language: str | None) -> str:
    """Use ``language`` (a code such as "es", "fr", "ar"); unknown or None: the source."""
    global _translation, _language
    language = (language or SOURCE_LANGUAGE).strip() or SOURCE_LANGUAGE
    _translation = gettext.NullTranslations() if language == SOURCE_LANGUAGE else _load(language)
    _language = language
    return _language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """The message in the current language (the English source when untranslated)."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for ``count`` by the current language's plural rule."""
    return _translation.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translate it where shown."""
    return message
