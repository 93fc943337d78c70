"""Which charts each report shows, in the window and on paper alike, from the report's figures.

Each ``Figure`` is a chart and its words (what it shows, for the tooltip, screen readers and
the printed caption); ``build()`` makes a new QChart each time (a chart belongs to one view).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCharts import QChart

from coopdesk.base.i18n import _
from coopdesk.base.text import plural
from coopdesk.gui.reports import charts
from coopdesk.reports.authority import AuthorityReport
from coopdesk.reports.supplies import SuppliesReport, busiest_item, trend_of
from coopdesk.reports.words import hours_text, percent_text
from coopdesk.reports.work import KIND_LABELS, KINDS, WorkReport


@dataclass(frozen=True)
class Figure:
    key: str
    words: str
    build: Callable[[], QChart]
    height: int = 260


# What a bar chart needs besides its bars: title, value axis and its label, legend.
CHART_FRAME_PX = 140


def _height(rows: int) -> int:
    """Tall enough that every bar's name shows (QtCharts hides names that would overlap)."""
    return max(180, CHART_FRAME_PX + rows * charts.BAR_HEIGHT)


def work_figures(report: WorkReport) -> list[Figure]:
    working = [m for m in report.members if m.total_minutes]
    top = working[: charts.MAX_BARS]
    figures: list[Figure] = []
    if top:
        names = [m.name for m in top]
        stacks = {KIND_LABELS[kind]: [m.minutes_of(kind) / 60 for m in top] for kind in KINDS}
        # "The busiest 20" only when some who worked are left out (those who did nothing
        # have no bar, but they are in the table).
        shown = (
            "" if len(top) == len(working) else _(" (the busiest {count})").format(count=len(top))
        )
        words = (
            _("Hours per member")
            + shown
            + ": "
            + "; ".join(f"{m.name} {hours_text(m.total_minutes)}" for m in top)
        )
        figures.append(
            Figure(
                "members",
                words,
                partial(
                    charts.stacked_people_chart,
                    _("Hours per member{shown}").format(shown=shown),
                    names,
                    stacks,
                    "hours",
                ),
                _height(len(top)),
            )
        )
    labels = [charts.bucket_label(p.starts_on, report.period.by) for p in report.trend]
    if report.trend and report.spread.total_minutes:
        stacks = {
            KIND_LABELS["shift"]: [p.shift_minutes / 60 for p in report.trend],
            KIND_LABELS["chore"]: [p.chore_minutes / 60 for p in report.trend],
            KIND_LABELS["task"]: [p.task_minutes / 60 for p in report.trend],
        }
        per = "week" if report.period.by == "week" else "month"
        words = _("Hours per {per}: ").format(per=per) + "; ".join(
            f"{label} {hours_text(p.total_minutes)}"
            for label, p in zip(labels, report.trend, strict=True)
        )
        figures.append(
            Figure(
                "trend",
                words,
                partial(
                    charts.stacked_trend_chart,
                    _("Hours per {per}").format(per=per),
                    labels,
                    stacks,
                    "hours",
                ),
            )
        )
        # No point for a week or month with no hours: "0%" would read as perfectly even.
        shares = [p.top_fifth_share * 100 if p.total_minutes else None for p in report.trend]
        words = _("The busiest fifth's share of each {per}'s hours: ").format(per=per) + "; ".join(
            f"{label} {percent_text(p.top_fifth_share) if p.total_minutes else 'no hours'}"
            for label, p in zip(labels, report.trend, strict=True)
        )
        figures.append(
            Figure(
                "fifth",
                words,
                partial(
                    charts.line_chart,
                    _("Share of the hours done by the busiest fifth, per {per}").format(per=per),
                    labels,
                    {"busiest fifth": shares, "an even share": [20.0] * len(shares)},
                    "%",
                    top=100.0,
                ),
                220,
            )
        )
    return figures


def authority_figures(report: AuthorityReport) -> list[Figure]:
    top = [m for m in report.members if m.terms][: charts.MAX_BARS]
    if not top:
        return []
    roles = [role.name for role in report.roles]
    terms_by_role = {
        role.name: {h.member_id: h.terms for h in role.holders} for role in report.roles
    }
    stacks = {name: [terms_by_role[name].get(m.member_id, 0) for m in top] for name in roles}
    names = [m.name for m in top]
    words = _("Terms held per member: ") + "; ".join(
        f"{m.name} {plural(m.terms, 'term')}" for m in top
    )
    return [
        Figure(
            "terms",
            words,
            partial(
                charts.stacked_people_chart, _("Terms held per member"), names, stacks, "terms"
            ),
            _height(len(top)),
        )
    ]


def supplies_figures(report: SuppliesReport, item_id: str | None = None) -> list[Figure]:
    figures: list[Figure] = []
    low = report.most_often_low()
    if low:
        names = [f"{i.name} ({i.site_name})" for i in low]
        values = {"times under the minimum": [float(i.times_low) for i in low]}
        words = _("Ran low most often: ") + "; ".join(
            f"{name} {plural(i.times_low, 'time')}" for name, i in zip(names, low, strict=True)
        )
        figures.append(
            Figure(
                "low",
                words,
                partial(
                    charts.stacked_people_chart, _("Ran low most often"), names, values, "times"
                ),
                _height(len(low)),
            )
        )
    chosen = item_id or busiest_item(report)
    if chosen:
        trend = trend_of(report, chosen)
        item = next(i for i in report.items if i.item_id == chosen)
        labels = [charts.bucket_label(start, report.period.by) for start, _count in trend]
        scale = 10**item.decimals

        def amounts(*reasons: str) -> list[float]:
            return [sum(cell.get(r, 0) for r in reasons) / scale for _start, cell in trend]

        lines = {
            "received": amounts("received", "transfer-in"),
            "used or given out": amounts("used", "given"),
            "spoiled": amounts("spoiled"),
        }
        words = (
            _("{name} per week: ") if report.period.by == "week" else _("{name} per month: ")
        ).format(name=item.name) + (
            _("; ").join(
                _("{label}: in {received:g}, out {used:g}").format(
                    label=label,
                    received=lines["received"][n],
                    used=lines["used or given out"][n],
                )
                for n, label in enumerate(labels)
            )
        )
        figures.append(
            Figure(
                "item",
                words,
                partial(
                    charts.line_chart,
                    _("{item}: in and out ({unit})").format(item=item.name, unit=item.unit),
                    labels,
                    lines,
                    item.unit,
                ),
            )
        )
    return figures
