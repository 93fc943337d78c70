"""The reports on paper and in files: PDFs readable at 10 pt or more with nothing cut or broken
mid-word, the same PDF from the command line, and CSV with formula escaping."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from coopdesk.coop.coop import add_site
from coopdesk.coop.members import add_member
from coopdesk.gui.reports import printing
from coopdesk.inventory.items import add_item
from coopdesk.inventory.stock import move
from coopdesk.reports.authority import authority_report
from coopdesk.reports.period import make_period
from coopdesk.reports.supplies import supplies_report
from coopdesk.reports.work import work_report
from coopdesk.roles.roles import add_role
from coopdesk.shifts.duty import set_duty_rule
from tests.cli_helpers import coopdesk, coopdesk_json
from tests.reports.helpers import MONTH_END, MONTH_START, worked

MARCH = make_period(MONTH_START, MONTH_END)
A4_POINTS = (595.3, 841.9)
# Words each report must show whole (a narrow column would break them over two lines).
WHOLE = {
    "work": {"Member", "Shifts", "Chores", "Tasks", "Total", "Share", "Asked", "Drifting"},
    "roles": {"Coordinator", "Member", "Terms", "Days", "Mandates"},
    "stock": {"Riverside", "Warehouse", "Sunflower", "tomatoes", "Used", "Low", "(piece)"},
}
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="needs poppler's pdftotext and pdftoppm",
)


@pytest.fixture
def coop(store, ana) -> dict[str, str]:
    """A month of work by 24 members, two roles, and stock at two sites with long names."""
    people = {"Ana": ana}
    for n in range(1, 24):
        people[f"Member {n:02}"] = add_member(store, ana, f"Member {n:02}")
    people["Formula"] = add_member(store, ana, "=SUM(A1:A9)")
    set_duty_rule(store, ana, minutes=240, period_days=28, duty_from=dt.date(2025, 1, 6))
    for n, member in enumerate(people.values()):
        worked(store, ana, [member], MONTH_START + dt.timedelta(days=n % 28), 1 + n % 5)
    add_role(
        store,
        ana,
        "Coordinator",
        term_days=7,
        member_ids=list(people.values())[:6],
        starts_on=MONTH_START,
    )
    warehouse = add_site(store, ana, "Riverside Warehouse")
    for name in ("Chopped tomatoes (tin)", "Sunflower oil", "Toilet paper", "Baby formula"):
        item = add_item(store, ana, name, unit="piece", minimum=10)
        for site in (store.site_id, warehouse):
            move(store, ana, item, 120, "received", when=dt.datetime(2025, 3, 2, 9), site_id=site)
            move(store, ana, item, 115, "used", when=dt.datetime(2025, 3, 20, 9), site_id=site)
    return people


def _words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """Every word pdftotext finds, with its box (points): text, xMin, yMin, xMax, yMax."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = []
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("<word "):
            attributes, text = line[6:].split(">", 1)
            box = dict(item.split("=") for item in attributes.split())
            words.append(
                (
                    unicodedata.normalize("NFKC", text.removesuffix("</word>")),  # ligatures
                    *(float(box[key].strip('"')) for key in ("xMin", "yMin", "xMax", "yMax")),
                )
            )
    return words


def _reports(store) -> dict[str, object]:
    return {
        "work": work_report(store, MARCH),
        "roles": authority_report(store, MARCH),
        "stock": supplies_report(store, MARCH),
    }


@needs_poppler
def test_every_report_prints_at_ten_points_or_more_with_nothing_cut(qtbot, store, coop, tmp_path):
    for kind, report in _reports(store).items():
        (tmp_path / kind).mkdir()
        pdf = printing.save_report_pdf(tmp_path / kind, kind, report, coop_name="Test Coop")
        assert pdf.suffix == ".pdf" and pdf.parent == tmp_path / kind
        words = _words(pdf)
        assert words, kind
        heights = [y_max - y_min for _t, _x, y_min, _x2, y_max in words]
        # A 10 pt font's word boxes are about 11.6 pt high (ascent and descent).
        assert min(heights) >= 10.0, (kind, min(heights))
        # Nothing runs off the A4 page.
        for text, x_min, y_min, x_max, y_max in words:
            assert x_min >= 0 and x_max <= A4_POINTS[0], (kind, text)
            assert y_min >= 0 and y_max <= A4_POINTS[1], (kind, text)
        texts = {text for text, *_box in words}
        # Names and heads stand whole, never broken over two lines.
        assert WHOLE[kind] <= texts, (kind, WHOLE[kind] - texts)
        assert not any(t in texts for t in ("Wareho", "Receiv", "Spoile", "Choppe")), kind
        pages = subprocess.run(
            ["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / kind / "page")],
            capture_output=True,
            check=True,
        )
        assert pages.returncode == 0 and list((tmp_path / kind).glob("page*.png"))
    work_words = {t for t, *_ in _words(tmp_path / "work" / "work-report.pdf")}
    # Everyone counted is in the table (its head repeats on the pages it runs over).
    assert all(f"{n:02}" in work_words for n in range(1, 24))
    stock_words = " ".join(t for t, *_ in _words(tmp_path / "stock" / "stock-report.pdf"))
    assert "tomatoes" in stock_words and "Sunflower" in stock_words


@needs_poppler
def test_the_command_line_writes_json_csv_and_pdf(store, coop, data_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    data = coopdesk_json(
        data_dir,
        "report",
        "work",
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        "--csv",
        str(out),
        "--separator",
        ",",
        "--pdf",
        str(out / "work.pdf"),
    )
    first = data["members"][0]
    assert set(first) >= {"member_id", "name", "shift_minutes", "chore_minutes"}
    assert {"task_minutes", "total_minutes", "asked_minutes"} <= set(first)
    assert data["spread"]["members"] == 25 and data["spread"]["gini"] > 0
    assert data["spread"]["sentences"][1].startswith("The busiest fifth of members (5 of 25)")
    assert Path(data["pdf"]).stat().st_size > 1000
    assert min(y2 - y1 for _t, _x, y1, _x2, y2 in _words(Path(data["pdf"]))) >= 10.0
    with open(data["csv"], newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Member", "Member id", "Shift hours"]
    # A name that a spreadsheet would run as a formula is kept as text.
    assert "'=SUM(A1:A9)" in [row[0] for row in rows]
    assert len(rows) == 1 + len(data["members"])
    roles = coopdesk_json(data_dir, "report", "roles", "--from", "2025-03-01", "--to", "2025-03-31")
    assert roles["roles"][0]["name"] == "Coordinator"
    stock = coopdesk(
        data_dir, "report", "supplies", "--from", "2025-03-01", "--to", "2025-03-31"
    ).stdout
    assert "Toilet paper at Riverside Warehouse: received 120 piece, used 115 piece" in stock
    bad = coopdesk(
        data_dir, "report", "work", "--from", "2025-04-01", "--to", "2025-03-01", check=False
    )
    assert bad.returncode != 0 and "after it ends" in bad.stderr
    assert "Traceback" not in bad.stderr
