"""Errors a person can act on.

Every error raised for bad input or a store in the wrong state is a ``CoopDeskError`` whose
message says what was wrong and what to do. The CLI prints it as one line and the window
shows it in a dialog; neither shows a traceback for these.

Each error has a ``code`` that scripts can rely on (``coopdesk --json`` prints it): short,
English, snake case, and stable. By default it is the class name without "Error" in snake
case (``NotFoundError`` is ``not_found``); ``tests/app/test_cli.py`` pins the list.
"""

import re


def _snake(name: str) -> str:
    name = name.removesuffix("Error") or name
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class CoopDeskError(Exception):
    """Base class: the message is meant for the person at the keyboard."""

    code = "error"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            cls.code = _snake(cls.__name__)


class NoStoreError(CoopDeskError):
    """There is no store in the data directory yet."""


class StoreExistsError(CoopDeskError):
    """A new store was asked for where one already exists."""


class NewerStoreError(CoopDeskError):
    """The store was made by a newer CoopDesk; it is refused and left untouched."""


class NotAStoreError(CoopDeskError):
    """The file is not a CoopDesk store (or is damaged beyond opening)."""


class ValidationError(CoopDeskError):
    """A value given for a field is missing, of the wrong kind or out of range.

    ``field`` names the field it is about by its label in English (the msgid, "Title"), so a
    form focuses that field whatever language the message is in; None: no one field."""

    code = "invalid"

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*args)
        self.field = field


class NotFoundError(CoopDeskError):
    """A row that was named does not exist."""


class NoAuthorError(CoopDeskError):
    """A change was attempted with nobody at the keyboard (no current member)."""
