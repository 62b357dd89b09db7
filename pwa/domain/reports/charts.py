"""Small bar charts, laid out here and drawn by the template as plain SVG.

Every coordinate is computed in Python, so the template only writes <rect> and <text>
elements with the numbers given: no chart script, no style attribute (the CSP forbids both);
colours come from CSS classes. The chart's title and description are its text alternative
(<title>/<desc>); the page shows the same figures in a table next to it.

Sizes are in the SVG's own units (its viewBox); CSS scales the drawing to the page's width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 360  # about a phone's width, so that the text is read at its own size there
MARGIN = 8
# Horizontal bars: a label above each bar, the value after its end.
ROW = 48
LABEL_BASELINE = 17
BAR_TOP = 24
BAR_THICKNESS = 16
VALUE_ROOM = 64
# Columns: the value above each column, the label under it.
COLUMNS_HEIGHT = 200
COLUMNS_TOP = 22
COLUMNS_BOTTOM = 26
COLUMN_SHARE = 0.7  # of its slot; the rest is the gap between columns


@dataclass(frozen=True)
class Bar:
    """One bar: its rectangle, its label and its value, with where to write each."""

    label: str
    value: float
    value_text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    """A chart ready to draw: `horizontal` bars (one a row) or vertical columns."""

    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool
    axis: tuple[float, float, float, float]  # the baseline: x1, y1, x2, y2

    @classmethod
    def empty(cls) -> BarChart:
        return cls("", "", WIDTH, 0, [], True, (0, 0, 0, 0))


def _r(value: float) -> float:
    return round(value, 1)


def bar_chart(items: Sequence[tuple[str, float, str]], *, title: str, description: str) -> BarChart:
    """Horizontal bars for (label, value, value as text), longest for the largest value."""
    largest = max((value for _label, value, _text in items), default=0) or 1
    room = WIDTH - 2 * MARGIN - VALUE_ROOM
    bars = []
    for k, (text, value, value_text) in enumerate(items):
        top = MARGIN + k * ROW
        length = _r(room * max(value, 0) / largest)
        bars.append(
            Bar(
                label=text, value=value, value_text=value_text,
                x=MARGIN, y=top + BAR_TOP, width=length, height=BAR_THICKNESS,
                label_x=MARGIN, label_y=top + LABEL_BASELINE,
                value_x=_r(MARGIN + length + 6), value_y=top + BAR_TOP + BAR_THICKNESS - 3,
            )
        )  # fmt: skip
    height = 2 * MARGIN + len(items) * ROW
    return BarChart(
        title, description, WIDTH, height, bars, True, (MARGIN, MARGIN, MARGIN, height - MARGIN)
    )


def column_chart(
    items: Sequence[tuple[str, float, str]], *, title: str, description: str
) -> BarChart:
    """Vertical columns side by side (e.g. one a month), highest for the largest value."""
    largest = max((value for _label, value, _text in items), default=0) or 1
    slot = (WIDTH - 2 * MARGIN) / max(len(items), 1)
    thickness = _r(slot * COLUMN_SHARE)
    bottom = COLUMNS_HEIGHT - COLUMNS_BOTTOM
    room = bottom - COLUMNS_TOP
    bars = []
    for k, (text, value, value_text) in enumerate(items):
        left = MARGIN + k * slot
        length = _r(room * max(value, 0) / largest)
        centre = _r(left + slot / 2)
        bars.append(
            Bar(
                label=text, value=value, value_text=value_text,
                x=_r(left + (slot - thickness) / 2), y=_r(bottom - length),
                width=thickness, height=length,
                label_x=centre, label_y=COLUMNS_HEIGHT - 8,
                value_x=centre, value_y=_r(bottom - length - 5),
            )
        )  # fmt: skip
    return BarChart(
        title, description, WIDTH, COLUMNS_HEIGHT, bars, False,
        (MARGIN, bottom, WIDTH - MARGIN, bottom),
    )  # fmt: skip
