"""The reports' charts, drawn by QtCharts (PySide6's add-ons): bars, stacked bars and lines.

Why QtCharts (see README, "Charts"): it is Qt itself, so it paints into any QPainter (the
window, the printer, a PDF) with the palette's colours and fonts; it adds about 4 MB to the
packaged app (the chart library and the OpenGL libraries it links against); importing it
takes 6 to 16 ms, where pyqtgraph (with numpy) took 1.6 to 2.4 s and matplotlib's pyplot with
its Qt backend 0.5 to 3.8 s on the same machine. This module is imported only when the
Reports page is first shown or a report is printed: the window opens as fast as before.

Each chart says in words what it draws (its accessible description and tooltip), for anyone
who cannot see the bars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsScene, QSizePolicy, QWidget

from coopdesk.base.i18n import is_right_to_left
from coopdesk.base.text import month_year_short_text, short_day_text
from coopdesk.gui.kit.widgets import text_scale

# Colours that stay apart for the common colour blindnesses (Okabe and Ito's palette).
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
MAX_BARS = 20  # a chart of people shows at most this many; the table lists everyone
BAR_HEIGHT = 22


def _palette() -> QPalette:
    app = QApplication.instance()
    return app.palette() if isinstance(app, QApplication) else QPalette()


def _dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _style(chart: QChart, palette: QPalette, point_size: float | None = None) -> None:
    """The palette's colours and the window's font (or ``point_size``), light or dark alike."""
    chart.setTheme(
        QChart.ChartTheme.ChartThemeDark if _dark(palette) else QChart.ChartTheme.ChartThemeLight
    )
    chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    text = palette.color(QPalette.ColorRole.Text)
    font = QFont(QApplication.font())
    if point_size:
        font.setPointSizeF(point_size)
    title_font = QFont(font)
    title_font.setBold(True)
    chart.setTitleFont(title_font)
    chart.setTitleBrush(text)
    legend = chart.legend()
    legend.setFont(font)
    legend.setLabelColor(text)
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    for axis in chart.axes():
        axis.setTruncateLabels(False)  # a name cut to "..." says nothing
        axis.setLabelsFont(font)
        axis.setLabelsColor(text)
        axis.setTitleFont(font)
        axis.setTitleBrush(text)
        axis.setGridLineColor(palette.color(QPalette.ColorRole.Mid))
    for number, series in enumerate(chart.series()):
        if isinstance(series, QLineSeries):
            pen = series.pen()
            pen.setColor(QColor(SERIES_COLOURS[number % len(SERIES_COLOURS)]))
            pen.setWidthF(2.5)
            series.setPen(pen)
        else:
            for index, bar_set in enumerate(series.barSets()):
                bar_set.setColor(QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)]))
                bar_set.setBorderColor(QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)]))


class ChartView(QChartView):
    """A chart in the window: antialiased, sized for its content, described in words."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.words = ""
        self.drawn_from: object = None  # what the chart shown was drawn from (see the page)
        self._height = 260
        self.setMinimumHeight(self._height)

    def show_chart(self, chart: QChart, words: str, height: int = 260) -> None:
        old = self.chart()
        _style(chart, self.palette())
        self.setChart(chart)
        if old is not None and old is not chart:
            old.deleteLater()
        self.words = words
        self.setToolTip(words)
        self.setAccessibleDescription(words)
        # Heights are for the usual text size: at 200% text each bar's name needs twice
        # the room, or the axis shows every other name.
        self._height = height = round(height * text_scale(self))
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(480, self._height)

    def changeEvent(self, event: QEvent) -> None:
        """The system turned dark or light while the chart is shown: its colours follow."""
        if event.type() == QEvent.Type.PaletteChange and self.chart() is not None:
            _style(self.chart(), self.palette())
        super().changeEvent(event)


# -- the charts, from plain figures --------------------------------------------------------


def _mirrored() -> bool:
    """Whether charts read from the right (Arabic): names on the right, bars growing to the
    left, time running from right to left, as the rest of the window is laid out."""
    return is_right_to_left()


def _start_side() -> Qt.AlignmentFlag:
    """Where a chart's names or its value scale go: where reading starts."""
    return Qt.AlignmentFlag.AlignRight if _mirrored() else Qt.AlignmentFlag.AlignLeft


def _in_reading_order(items: list) -> list:
    """Weeks or months left to right, or right to left in Arabic (a category axis cannot be
    reversed in QtCharts, so the order is)."""
    return items[::-1] if _mirrored() else items


def _value_axis(chart: QChart, series, title: str, align: Qt.AlignmentFlag) -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setLabelFormat("%.0f")
    axis.setMin(0)
    chart.addAxis(axis, align)
    series.attachAxis(axis)
    return axis


def stacked_people_chart(
    title: str, names: Sequence[str], stacks: dict[str, Sequence[float]], unit: str
) -> QChart:
    """Horizontal stacked bars, one per person (the first listed at the top)."""
    chart = QChart()
    chart.setTitle(title)
    series = QHorizontalStackedBarSeries()
    for label, values in stacks.items():
        bar_set = QBarSet(label)
        bar_set.append([float(v) for v in reversed(values)])
        series.append(bar_set)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(list(reversed(names)))
    chart.addAxis(categories, _start_side())
    series.attachAxis(categories)
    axis = _value_axis(chart, series, unit, Qt.AlignmentFlag.AlignBottom)
    axis.setReverse(_mirrored())
    total = max((sum(v) for v in zip(*stacks.values(), strict=True)), default=0) if stacks else 0
    axis.setMax(max(1.0, float(total)) * 1.05)
    axis.applyNiceNumbers()
    return chart


def bucket_label(start: dt.date, by: str) -> str:
    """ "Mar 26" for a month, "2 Mar" for a week (in the window's language)."""
    return month_year_short_text(start) if by == "month" else short_day_text(start)


def stacked_trend_chart(
    title: str, labels: Sequence[str], stacks: dict[str, Sequence[float]], unit: str
) -> QChart:
    """Vertical stacked bars, one per week or month."""
    chart = QChart()
    chart.setTitle(title)
    series = QStackedBarSeries()
    for label, values in stacks.items():
        bar_set = QBarSet(label)
        bar_set.append(_in_reading_order([float(v) for v in values]))
        series.append(bar_set)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(_in_reading_order(_thinned(labels)))
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    axis = _value_axis(chart, series, unit, _start_side())
    total = max((sum(v) for v in zip(*stacks.values(), strict=True)), default=0) if stacks else 0
    axis.setMax(max(1.0, float(total)) * 1.05)
    axis.applyNiceNumbers()
    return chart


def _thinned(labels: Sequence[str], most: int = 14) -> list[str]:
    """Category labels with only every n-th one written (others blank but distinct)."""
    if len(labels) <= most:
        return list(labels)
    step = -(-len(labels) // most)
    return [label if n % step == 0 else " " * (n + 1) for n, label in enumerate(labels)]


def line_chart(
    title: str,
    labels: Sequence[str],
    lines: dict[str, Sequence[float | None]],
    unit: str,
    top: float | None = None,
) -> QChart:
    """Lines over weeks or months (the x axis counts buckets; labels below). A value of
    None is no point: a week nobody worked has no "share of the busiest fifth"."""
    chart = QChart()
    chart.setTitle(title)
    x_axis = QBarCategoryAxis()
    x_axis.append(_in_reading_order(_thinned(labels)))
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    y_axis = QValueAxis()
    y_axis.setTitleText(unit)
    y_axis.setLabelFormat("%.0f")
    y_axis.setMin(0)
    highest = max(
        (max((v for v in values if v is not None), default=0) for values in lines.values()),
        default=0,
    )
    y_axis.setMax(top if top is not None else max(1.0, float(highest)) * 1.1)
    if top is None:
        y_axis.applyNiceNumbers()
    chart.addAxis(y_axis, _start_side())
    for label, values in lines.items():
        series = QLineSeries()
        series.setName(label)
        for index, value in enumerate(_in_reading_order(list(values))):
            if value is not None:
                series.append(float(index), float(value))
        chart.addSeries(series)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
    return chart


def render_image(chart: QChart, size: QSize, point_size: float, scale: float = 3.0) -> QImage:
    """The chart as a picture for paper, black on white: ``size`` in pixels of 96 a inch (the
    way the page's width is measured), words at ``point_size``, drawn ``scale`` times finer."""
    palette = QPalette(QColor("white"))
    for role, colour in (
        (QPalette.ColorRole.Base, "white"),
        (QPalette.ColorRole.Window, "white"),
        (QPalette.ColorRole.Text, "black"),
        (QPalette.ColorRole.Mid, "#BBBBBB"),
    ):
        palette.setColor(role, QColor(colour))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    _style(chart, palette, point_size)
    scene = QGraphicsScene()
    scene.addItem(chart)
    area = QRectF(0, 0, size.width(), size.height())
    chart.setGeometry(area)
    image = QImage(
        int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_ARGB32
    )
    image.setDevicePixelRatio(scale)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, area, area)
    painter.end()
    scene.removeItem(chart)
    chart.deleteLater()
    return image
