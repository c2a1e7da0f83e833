"""The indicator's monthly trend as plain SVG geometry (drawn by templates/metrics/_trend_chart.html).

No JavaScript and no image files: the bars, the target line and the labels are computed here and
the template writes them as SVG with a title, a description and the same data as a table.
"""
import math
from dataclasses import dataclass

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 10, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    short: str
    rate: float | None
    numerator: int
    denominator: int
    meets_target: bool
    text_x: float


def _y(rate):
    plot = HEIGHT - TOP - BOTTOM
    return TOP + plot * (1 - rate)


LABEL_WIDTH = 28  # "10/26" at the axis' font size, with a gap: narrower steps label every other month


def trend_chart(trend, target):
    """Bars (one per month, the rate's height) and the target line's height, in viewBox units."""
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(len(trend), 1)
    # Months are labelled as often as their labels fit, counting back from the latest (always
    # labelled); the table under the chart and each bar's title name every month.
    every = math.ceil(LABEL_WIDTH / step)
    bars = []
    for index, month in enumerate(trend):
        labelled = (len(trend) - 1 - index) % every == 0
        rate = month["rate"]
        top = _y(rate or 0)
        x = LEFT + index * step + step * 0.15
        bars.append(Bar(x=round(x, 1), y=round(top, 1), width=round(step * 0.7, 1),
                        height=round(HEIGHT - BOTTOM - top, 1), label=month["label"],
                        short=_short(month["label"]) if labelled else "", rate=rate,
                        numerator=month["numerator"], denominator=month["denominator"],
                        meets_target=rate is not None and rate >= target,
                        text_x=round(LEFT + index * step + step / 2, 1)))
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 14,
        "target_y": round(_y(target), 1), "grid": [{"y": round(_y(r), 1), "label": f"{int(r * 100)}%"}
                                                   for r in (0, 0.5, 1)],
        "bars": bars,
    }


def _short(label):
    """"03/2026" → "3/26"."""
    month, year = label.split("/")
    return f"{int(month)}/{year[-2:]}"
