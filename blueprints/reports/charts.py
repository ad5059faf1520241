"""Geometry of the indicator bar charts, drawn by ``templates/reports/_chart.html`` as inline SVG.

Presentation only: the figures come from :func:`jobbforum.services.indicator_data.indicator_table`.
Each chart has one bar per group (percent of the matched sample) and a line at the programme goal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from jobbforum.labels import COUNTY
from jobbforum.models import County
from jobbforum.services.indicators import GOALS, IndicatorRow

#: Group labels sit above their bars, so long labels ("Did not attend") never get clipped and
#: the bars can use the full width on a phone.
LABEL_WIDTH = 0
BAR_WIDTH = 360  # 100 %
BAR_HEIGHT = 20
LABEL_HEIGHT = 20
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 12
TOP = 26
#: Values are printed in a column right of the bars (never over the goal line).
VALUE_X = LABEL_WIDTH + BAR_WIDTH + 8
WIDTH = VALUE_X + 80

GROUP_LABELS = {
    "all": _l("All"), "woman": _l("Women"), "man": _l("Men"), "other": _l("Other gender"),
    "undisclosed": _l("Prefer not to say"), "unknown": _l("Not given"),
    "1": _l("Attended"), "0": _l("Did not attend"),
    **{county.value: name for county, name in COUNTY.items() if county is not County.other},
}


TOTAL_CSS = "seg-total"


def group_label(group: str) -> str:
    return str(GROUP_LABELS.get(group, group))


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    css: str


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    segments: tuple[Segment, ...]
    #: Text after the bar: "72.5 %", or "suppressed".
    value: str
    value_x: float


@dataclass(frozen=True)
class Chart:
    """One chart; the template reads the layout constants from it."""

    key: str
    title: str
    goal: float
    goal_x: float
    height: float
    width: int
    bars: tuple[Bar, ...]
    legend: tuple[tuple[str, str], ...]
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH
    bar_height: int = BAR_HEIGHT


def _x(pct: float) -> float:
    return LABEL_WIDTH + BAR_WIDTH * pct / 100


def _bar(index: int, row: IndicatorRow, parts: Sequence[tuple[float | None, str]],
         total: float | None, suppressed: str) -> Bar:
    y = TOP + index * ROW_HEIGHT + LABEL_HEIGHT
    segments, x = [], float(LABEL_WIDTH)
    if total is not None:
        if all(p is not None for p, _ in parts):
            for pct, css in parts:
                width = BAR_WIDTH * float(pct) / 100  # type: ignore[arg-type]
                segments.append(Segment(x, width, css))
                x += width
        else:
            # The split is hidden (small counts): one bar for the total.
            segments.append(Segment(x, BAR_WIDTH * total / 100, TOTAL_CSS))
    value = f"{format_decimal(total, '0.0')} %" if total is not None else suppressed
    return Bar(group_label(row.group), y, tuple(segments), value,
               VALUE_X if total is not None else LABEL_WIDTH + 8)


def build_charts(rows: Sequence[IndicatorRow], suppressed: str) -> list[Chart]:
    """The two goal charts: work or steps (stacked: work + steps) and expanded network."""
    height = TOP + ROW_HEIGHT * len(rows)
    work_bars = tuple(
        _bar(i, r, [(r.got_work_pct, "seg-work"), (r.measurable_steps_pct, "seg-steps")],
             r.work_or_steps_pct, suppressed) for i, r in enumerate(rows))
    legend = [(str(_l("Got work")), "seg-work"), (str(_l("Measurable steps")), "seg-steps")]
    if any(seg.css == TOTAL_CSS for bar in work_bars for seg in bar.segments):
        legend.append((str(_l("Work or steps (split hidden: small counts)")), TOTAL_CSS))
    work = Chart(
        "work_or_steps", str(_l("Got work or took measurable steps toward work")),
        GOALS["work_or_steps"], _x(GOALS["work_or_steps"]), height, WIDTH, work_bars,
        tuple(legend))
    network = Chart(
        "network_expanded", str(_l("Expanded their network")),
        GOALS["network_expanded"], _x(GOALS["network_expanded"]), height, WIDTH,
        tuple(_bar(i, r, [(r.network_expanded_pct, "seg-network")], r.network_expanded_pct,
                   suppressed) for i, r in enumerate(rows)),
        ((str(_l("Expanded network")), "seg-network"),))
    return [work, network]
