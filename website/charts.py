"""Charts drawn on the server as SVG: no JavaScript, readable at any width.

Positions along the value or time axis are percentages of the chart's width, so a chart
stretches from a 320 px phone to a desktop while its text keeps its size. Every chart has a
title and a description for assistive technology, and the page shows its data table beside
it: the chart only repeats what the table says.
"""

import datetime
from dataclasses import dataclass

ROW_HEIGHT = 44  # a label line above a bar
BAR_HEIGHT = 16
# The longest bar leaves room for its value text after it.
LONGEST_BAR = 55


#: A label longer than this is shortened on a phone (at a word, with "…"); the full text is
#: in the chart's data table.
SHORT_LABEL = 40


def shortened(text, limit=SHORT_LABEL):
    """`text` cut at the last word that fits in `limit` characters, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,:;-–") + "…"


class Row:
    """A chart row starting at `y`: its label on a line, the bar under it."""

    @property
    def short_label(self):
        return shortened(self.label)

    @property
    def text_y(self):
        return self.y + 14

    @property
    def bar_y(self):
        return self.y + 20


@dataclass(frozen=True)
class Bar(Row):
    label: str
    value_text: str
    width: float  # percent of the chart's width
    y: int

    @property
    def value_y(self):
        return self.bar_y + BAR_HEIGHT - 3


@dataclass(frozen=True)
class BarChart:
    name: str
    title: str
    description: str
    bars: list[Bar]

    @property
    def height(self):
        return max(len(self.bars), 1) * ROW_HEIGHT


def bar_chart(name, title, description, rows):
    """`rows`: (label, value, value text). Bars are to scale; a zero or None value has none."""
    rows = list(rows)
    largest = max((value or 0 for _, value, _ in rows), default=0)
    bars = []
    for index, (label, value, value_text) in enumerate(rows):
        width = float(value or 0) / float(largest) * LONGEST_BAR if largest else 0
        bars.append(Bar(str(label), str(value_text), round(width, 2), index * ROW_HEIGHT))
    return BarChart(name, str(title), str(description), bars)


@dataclass(frozen=True)
class Span(Row):
    """A row of the timeline: a period (a bar) or a moment (a marker) with its label."""

    label: str
    kind: str  # program, action or deadline: the shape, the legend and the text say which
    kind_label: str
    period_text: str
    x: float
    width: float
    y: int
    open_end: bool = False

    @property
    def marker_y(self):
        return self.bar_y + BAR_HEIGHT // 2

    @property
    def end_x(self):
        """Where a deadline falls: the end of its period."""
        return round(self.x + self.width, 2)


@dataclass(frozen=True)
class Tick:
    label: str
    x: float


@dataclass(frozen=True)
class Timeline:
    name: str
    title: str
    description: str
    spans: list[Span]
    ticks: list[Tick]
    today_x: float | None
    today_label: str

    @property
    def axis_height(self):
        return 24

    @property
    def rows_bottom(self):
        return self.axis_height + max(len(self.spans), 1) * ROW_HEIGHT

    @property
    def height(self):
        """The rows, with a line under them for the label of the today line."""
        return self.rows_bottom + 20

    @property
    def today_label_x(self):
        """The label of the today line stays inside the chart at either edge."""
        return min(max(self.today_x or 0, 6), 94)


@dataclass(frozen=True)
class TimelineEntry:
    label: str
    kind: str
    kind_label: str
    first_day: datetime.date
    last_day: datetime.date | None  # None: still running
    period_text: str


def timeline(name, title, description, entries, today, today_label, window=None):
    """Periods and moments with a line at `today`, over the years they cover or over
    `window` (first day, last day): a period that reaches past the window is cut at its edge,
    a moment outside it is left out."""
    entries = list(entries)
    if window:
        first_day, last_day = window
        entries = [e for e in entries if e.first_day <= last_day and within(e, first_day, today)]
    if not entries:
        return Timeline(name, str(title), str(description), [], [], None, str(today_label))
    if window:
        start, end = window[0], window[1] + datetime.timedelta(days=1)
        first_year, last_year = start.year, window[1].year
    else:
        first_year = min(entry.first_day.year for entry in entries)
        last_year = max((entry.last_day or today).year for entry in entries)
        first_year, last_year = min(first_year, today.year), max(last_year, today.year)
        start = datetime.date(first_year, 1, 1)
        end = datetime.date(last_year + 1, 1, 1)
    days = (end - start).days

    def x(day):
        return round(min(max((day - start).days, 0), days) / days * 100, 2)

    spans = []
    for index, entry in enumerate(entries):
        last_day = entry.last_day or today
        left = x(entry.first_day)
        width = max(x(last_day + datetime.timedelta(days=1)) - left, 0.5)
        spans.append(
            Span(
                entry.label,
                entry.kind,
                str(entry.kind_label),
                str(entry.period_text),
                left,
                round(width, 2),
                index * ROW_HEIGHT,
                open_end=entry.last_day is None,
            )
        )
    # A tick per year, thinned so that at most about ten labels share the axis.
    step = max(1, (last_year - first_year + 1 + 9) // 10)
    ticks = [
        Tick(str(year), x(datetime.date(year, 1, 1)))
        for year in range(first_year, last_year + 1, step)
        if datetime.date(year, 1, 1) >= start
    ]
    return Timeline(name, str(title), str(description), spans, ticks, x(today), str(today_label))


def within(entry, first_day, today):
    """Whether `entry` reaches into a window that starts on `first_day`."""
    return (entry.last_day or today) >= first_day
