"""A small PNG chart of the check-in scores by day, for the clinician summary on a
channel that shows images (the website widget); elsewhere the summary's text trend
("Day 2: 16/30, Day 3: 12/30 ↓") says the same.

Why matplotlib: rasa 3.6 already installs it (constraints.txt pins 3.5.3), so the chart
adds no dependency. Its object API (`Figure` and the Agg canvas, no `pyplot`) keeps no
global state between requests, and it is imported only when a chart is drawn, so the
action server starts no slower.

Why a data URL: the chart is the person's own data; a `data:image/png;base64,` image
travels inside the message (and the conversation's events, deleted with it) instead of
being kept as a file behind a URL anyone could fetch.
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple

from actions.checkin_scores import checkin_data, scores_of

if TYPE_CHECKING:
    from rasa_sdk import Tracker

IMAGE_CHANNELS = frozenset({"socketio"})
"""Input channels whose output shows an image sent as a data URL."""
DATA_URL_PREFIX = "data:image/png;base64,"
WIDTH_INCHES, HEIGHT_INCHES, DPI = 4.8, 2.6, 100
LINE_COLOUR = "#0f5f73"  # the widget's accent

Series = Tuple[str, int, Sequence[Mapping[str, Any]]]
"""A scale's name, its maximum, and its daily records ({day, total, ...})."""


def chart_png(series: Sequence[Series]) -> bytes:
    """The scores by day, one panel per scale, as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(
        figsize=(WIDTH_INCHES, HEIGHT_INCHES * len(series)), dpi=DPI, tight_layout=True
    )
    FigureCanvasAgg(figure)
    for index, (name, maximum, scores) in enumerate(series, start=1):
        axes = figure.add_subplot(len(series), 1, index)
        days = [int(score["day"]) for score in scores]
        totals = [int(score["total"]) for score in scores]
        axes.plot(days, totals, marker="o", color=LINE_COLOUR, linewidth=2)
        for day, total in zip(days, totals):
            axes.annotate(
                str(total),
                (day, total),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=9,
            )
        axes.set_title(f"{name} by day (0-{maximum}, higher is worse)", fontsize=10)
        axes.set_ylim(0, maximum * 1.15)
        axes.set_xticks(days)
        axes.set_xticklabels([f"Day {day}" for day in days], fontsize=9)
        axes.tick_params(axis="y", labelsize=9)
        axes.grid(axis="y", alpha=0.3)
        if len(days) == 1:
            axes.set_xlim(days[0] - 1, days[0] + 1)
    output = io.BytesIO()
    figure.savefig(output, format="png")
    return output.getvalue()


def score_series(tracker: "Tracker") -> List[Series]:
    """Each scale with recorded scores, in the order of checkin_scores.yml."""
    series: List[Series] = []
    for key, scale in checkin_data().scales.items():
        scores = scores_of(tracker, key)
        if scores:
            series.append((scale.short_name, scale.maximum, scores))
    return series


def chart_message(tracker: "Tracker") -> Optional[Dict[str, str]]:
    """The chart as an image message, when the person's channel shows images and
    there are scores; else None (the summary's text has the trend)."""
    if tracker.get_latest_input_channel() not in IMAGE_CHANNELS:
        return None
    series = score_series(tracker)
    if not series:
        return None
    encoded = base64.b64encode(chart_png(series)).decode("ascii")
    return {"image": DATA_URL_PREFIX + encoded}
