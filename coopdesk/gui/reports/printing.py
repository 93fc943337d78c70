"""The reports on paper: A4 portrait, laid out by ``QTextDocument``, with their charts.

Printed or saved as PDF through the one output path (``gui.kit.pdf.pdf_bytes`` and
``base.files.write_file``). Body text 11 pt and nothing under 10 pt: these go on a notice
board. The charts are drawn by QtCharts into pictures at three times the page's pixel size,
their words at 10 pt as they stand on the page; each chart's caption says what it shows.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, QSizeF, QUrl
from PySide6.QtGui import QPagedPaintDevice, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from coopdesk.base.files import write_file
from coopdesk.base.i18n import N_, _
from coopdesk.base.text import plural
from coopdesk.gui.kit.pdf import (
    a4_portrait,
    follow_text_direction,
    pdf_bytes,
    printed_line,
    sheet_html,
)
from coopdesk.gui.reports import charts
from coopdesk.gui.reports.figures import (
    Figure,
    authority_figures,
    supplies_figures,
    work_figures,
)
from coopdesk.reports.authority import AuthorityReport
from coopdesk.reports.supplies import FLOWS, SuppliesReport
from coopdesk.reports.words import hours_text, percent_text
from coopdesk.reports.work import WorkReport

SAME_EVERYWHERE = N_("Every site computes the same report from the same synced data.")
BODY_PT = 11
SMALL_PT = 10  # the smallest text on the sheet
CHART_PT = 10
# The width of the printable A4 page (210 mm less 2 x 18 mm) in pixels of 96 a inch: the
# size the charts are laid out at, so their 10 pt words are 10 pt on paper.
PAGE_WIDTH_PX = round((210 - 36) / 25.4 * 96)
# The supplies table's column heads, short enough for A4 at 10 pt; explained under it.
SHORT = {
    "received": N_("In"),
    "used": N_("Used"),
    "given": N_("Given"),
    "spoiled": N_("Spoiled"),
    "transfer-out": N_("Sent"),
    "transfer-in": N_("Arrived"),
    "lost": N_("Lost"),
}
EXPLAINED = {
    "received": N_("In: received."),
    "given": N_("Given: given out."),
    "transfer-out": N_("Sent: to other sites."),
    "transfer-in": N_("Arrived: from other sites."),
    "lost": N_("Lost: sent but never arrived (lost in transit)."),
}
TITLES = {"work": N_("Work"), "roles": N_("Roles and authority"), "stock": N_("Supplies")}


def _e(text: str) -> str:
    return html.escape(text or "")


def _table(
    header: list[str],
    rows: list[list[str]],
    right: set[int],
    widths: dict[int, int] | None = None,
) -> str:
    """A ruled table at the small size; its header repeats on every page it runs over.

    ``widths`` gives some columns a share of the page (in percent), so names are not broken
    mid-word while the number columns share what is left."""
    widths = widths or {}

    def cell(tag: str, n: int, text: str) -> str:
        width = f" width='{widths[n]}%'" if n in widths else ""
        return f"<{tag} align='{'right' if n in right else 'left'}'{width}>{_e(text)}</{tag}>"

    head = "<thead><tr>" + "".join(cell("th", n, h) for n, h in enumerate(header)) + "</tr></thead>"
    body = ["<tr>" + "".join(cell("td", n, c) for n, c in enumerate(row)) + "</tr>" for row in rows]
    return (
        "<table cellpadding='3' cellspacing='0' border='1' width='100%'"
        f" style='border-collapse: collapse; border-color: #999; font-size: {SMALL_PT}pt;'>"
        + head
        + "".join(body)
        + "</table>"
    )


def _chart(figure: Figure) -> str:
    return (
        f"<p><img src='chart:{figure.key}' width='{PAGE_WIDTH_PX}' height='{figure.height}'></p>"
        f"<p style='font-size: {SMALL_PT}pt;'>{_e(figure.words)}</p>"
    )


def _head(title: str, coop_name: str, report: Any, site: str = "") -> list[str]:
    where = f" · {site}" if site else ""
    return [
        f"<h1>{_e(coop_name)}: {_e(title)}</h1>",
        f"<p><b>{_e(report.period.label())}</b>{_e(where)}</p>",
    ]


def work_html(report: WorkReport, coop_name: str, figures: list[Figure]) -> str:
    body = _head(_("who carries the work"), coop_name, report, report.site_name)
    body += [f"<p>{_e(line)}</p>" for line in report.summary_lines()]
    body += [_chart(figure) for figure in figures]
    if report.behind:
        body.append(_("<h2>Drifting behind: worth a friendly word</h2><ul>"))
        body += [f"<li>{_e(b.sentence())}</li>" for b in report.behind]
        body.append("</ul>")
    body.append(_("<h2>Each member</h2>"))
    rows = [
        [
            _("{name} (archived)").format(name=m.name) if m.archived else m.name,
            hours_text(m.shift_minutes),
            hours_text(m.chore_minutes),
            hours_text(m.task_minutes),
            hours_text(m.total_minutes),
            percent_text(m.share),
            "" if m.asked_minutes is None else hours_text(m.asked_minutes),
        ]
        for m in report.members
    ]
    body.append(
        _table(
            [_("Member"), _("Shifts"), _("Chores"), _("Tasks"), _("Total"), _("Share"), _("Asked")],
            rows,
            {1, 2, 3, 4, 5, 6},
        )
    )
    body.append(printed_line(SMALL_PT, _(SAME_EVERYWHERE)))
    return sheet_html(body, BODY_PT)


def authority_html(report: AuthorityReport, coop_name: str, figures: list[Figure]) -> str:
    body = _head(_("who has held authority"), coop_name, report)
    body += [f"<p>{_e(line)}</p>" for line in report.summary_lines()]
    body += [_chart(figure) for figure in figures]
    for role in report.roles:
        mandates = (
            _(" (mandates: {join})").format(join=", ".join(role.mandates)) if role.mandates else ""
        )
        body.append(f"<h2>{_e(role.name)}{_e(mandates)}</h2>")
        body.append(
            _(
                "<p>{plural}, {plural2} of {eligible} eligible; the longest holder had "
                "{percent} of its days; Gini {gini:.2f}.</p>"
            ).format(
                plural=plural(role.terms, "term"),
                plural2=plural(role.distinct_holders, "holder"),
                eligible=role.eligible,
                percent=percent_text(role.top_share),
                gini=role.gini,
            )
        )
        if role.holders:
            body.append(
                _table(
                    [_("Member"), _("Terms"), _("Days"), _("Mandates used")],
                    [
                        [h.name, str(h.terms), str(h.days), str(h.mandate_uses)]
                        for h in role.holders
                    ],
                    {1, 2, 3},
                )
            )
    body.append(printed_line(SMALL_PT, _(SAME_EVERYWHERE)))
    return sheet_html(body, BODY_PT)


def supplies_html(report: SuppliesReport, coop_name: str, figures: list[Figure]) -> str:
    body = _head(_("where supplies go"), coop_name, report, report.site_name)
    body += [f"<p>{_e(line)}</p>" for line in report.summary_lines()]
    body += [_chart(figure) for figure in figures]
    # Only the movements that happened, the unit with the item: eleven columns of "12.5 kg"
    # do not fit an A4 page at 10 pt without breaking words.
    shown = [
        (key, label)
        for key, label in FLOWS
        if key != "correction" and any(s.amount(key) for s in report.items)
    ]
    with_site = not report.site_name
    header = [
        _("Item (unit)"),
        *([_("Site")] if with_site else []),
        *(_(SHORT[k]) for k, _l in shown),
    ]
    rows = [
        [
            f"{s.name} ({s.unit})" if s.unit else s.name,
            *([s.site_name] if with_site else []),
            *(s.value(key) if s.amount(key) else "" for key, _l in shown),
            str(s.times_low or ""),
        ]
        for s in report.items
    ]
    first_number = 2 if with_site else 1
    body.append(_("<h2>Each item and site</h2>") if with_site else _("<h2>Each item</h2>"))
    if rows:
        body.append(
            _table(
                [*header, _("Low")],
                rows,
                set(range(first_number, len(header) + 1)),
                {0: 25, 1: 15} if with_site else {0: 32},
            )
        )
        told = [_(EXPLAINED[key]) for key, _l in shown if key in EXPLAINED]
        body.append(
            f"<p style='font-size: {SMALL_PT}pt;'>"
            + _e(" ".join([*told, _("Low: how many times the stock fell under its minimum.")]))
            + "</p>"
        )
    else:
        body.append(_("<p>No stock moved in this period.</p>"))
    if report.flows:
        body.append(_("<h2>Between sites</h2><ul>"))
        body += [f"<li>{_e(flow.sentence())}</li>" for flow in report.flows]
        body.append("</ul>")
    body.append(printed_line(SMALL_PT, _(SAME_EVERYWHERE)))
    return sheet_html(body, BODY_PT)


def report_document(kind: str, report: Any, coop_name: str) -> tuple[str, list[Figure]]:
    if kind == "work":
        figures = work_figures(report)
        return work_html(report, coop_name, figures), figures
    if kind == "roles":
        figures = authority_figures(report)
        return authority_html(report, coop_name, figures), figures
    figures = supplies_figures(report)
    return supplies_html(report, coop_name, figures), figures


# -- paper --------------------------------------------------------------------------------------


def _render(printer: QPagedPaintDevice, html_text: str, figures: list[Figure]) -> None:
    """Lay the report out on the printer itself (its resolution turns points into dots), its
    charts drawn as pictures the page's width wide."""
    document = follow_text_direction(QTextDocument())
    document.documentLayout().setPaintDevice(printer)
    page = printer.pageLayout().paintRectPixels(printer.resolution())
    for figure in figures:
        size = QSize(PAGE_WIDTH_PX, figure.height)
        image = charts.render_image(figure.build(), size, CHART_PT)
        document.addResource(
            QTextDocument.ResourceType.ImageResource.value, QUrl(f"chart:{figure.key}"), image
        )
    # Image sizes in the HTML are pixels of 96 a inch: the layout scales them to the printer.
    document.setHtml(html_text)
    document.setPageSize(QSizeF(page.width(), page.height()))
    document.print_(printer)


def _application() -> None:
    """Charts are widgets: a command-line PDF needs a (windowless) application first."""
    if QApplication.instance() is None:
        _application.app = QApplication([])  # type: ignore[attr-defined]


def report_pdf_bytes(kind: str, report: Any, coop_name: str) -> bytes:
    _application()
    html_text, figures = report_document(kind, report, coop_name)
    title = f"{coop_name}: {_(TITLES[kind])}, {report.period.label()}"
    return pdf_bytes(a4_portrait(), title, lambda device: _render(device, html_text, figures))


def save_report_pdf(
    path: Path | str, kind: str, report: Any, *, coop_name: str = "", default_name: str = ""
) -> Path:
    """Write a report where asked (a file, or a folder: ``default_name``) as a PDF."""
    data = report_pdf_bytes(kind, report, coop_name or "CoopDesk")
    return write_file(path, data, default_name=default_name or f"{kind}-report.pdf")


def print_report(parent: QWidget | None, kind: str, report: Any, coop_name: str) -> bool:
    """Ask which printer, then print. False when the person cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(a4_portrait())
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print the {lower} report").format(lower=_(TITLES[kind]).lower()))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    html_text, figures = report_document(kind, report, coop_name)
    _render(printer, html_text, figures)
    return True
