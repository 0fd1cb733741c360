"""Inline SVG charts for PDF reports (pure and deterministic).

`price_chart_svg(points, minimum=..., ceiling=...)` draws a dot chart: one row per bid, a
dot at its price per contact hour, a dashed vertical line at the cost-of-care model's
minimum and a solid one at the ceiling (both per contact hour). Prices are compared per
contact hour so bids and model sit on one scale whatever the tender's minute basis.
`lot_price_chart(lot)` builds the points from a `reports.context.LotSection`.

Why a dot chart: the prices of one lot sit within a few pounds of each other, so bars
starting at £0 would hide the differences; dots on an axis that starts near the lowest
figure show them, and the axis labels say where it starts.

Coordinates are computed in Decimal and written with one decimal place, so the same
figures always give byte-identical SVG. Every text is XML-escaped here; the result is safe
to insert into a template with `|safe`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from xml.sax.saxutils import escape

from reports.context import LotSection, RowStatus
from reports.formatting import gbp


class PointKind(StrEnum):
    RECOMMENDED = "recommended"
    RANKED = "ranked"
    BELOW_MINIMUM = "below_minimum"  # abnormally low: clarification asked
    NOT_RANKED = "not_ranked"  # excluded, failed quality or price rejected


@dataclass(frozen=True)
class ChartPoint:
    label: str
    value: Decimal  # price per contact hour
    kind: PointKind = PointKind.RANKED


_COLOURS = {
    PointKind.RECOMMENDED: "#00703c",
    PointKind.RANKED: "#1d70b8",
    PointKind.BELOW_MINIMUM: "#f47738",
    PointKind.NOT_RANKED: "#b1b4b6",
}
_LEGEND = (
    (PointKind.RECOMMENDED, "Recommended"),
    (PointKind.RANKED, "Ranked"),
    (PointKind.BELOW_MINIMUM, "Below model minimum"),
    (PointKind.NOT_RANKED, "Not ranked"),
)
MINIMUM_COLOUR = "#d4351c"
CEILING_COLOUR = "#0b0c0c"
FONT = "Report Sans, Liberation Sans, Arial, Helvetica, sans-serif"  # Report Sans: the shipped face (reports/pdf.py)

WIDTH = Decimal(680)  # px at 96 dpi: the 180 mm text width of an A4 page with 15 mm margins
LABEL_RIGHT = Decimal(214)
PLOT_LEFT = Decimal(224)
PLOT_RIGHT = Decimal(624)
TOP = Decimal(40)
ROW = Decimal(22)
BOTTOM = Decimal(58)
_STEPS = (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20), Decimal(50), Decimal(100))
_TENTH = Decimal("0.1")


def _n(value: Decimal) -> str:
    """A coordinate with one decimal place (deterministic text)."""
    return f"{value.quantize(_TENTH, rounding=ROUND_HALF_UP):f}"


def _truncate(text: str, limit: int = 34) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _scale(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """Axis start, end and tick step: the smallest step giving at most 8 ticks, with room either side."""
    low, high = min(values), max(values)
    for step in _STEPS:
        start = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
        end = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
        if start == low and start - step >= 0:
            start -= step  # a dot exactly on the axis start would sit on the label column
        if end == high:
            end += step
        if end > start and (end - start) / step <= 8:
            return start, end, step
    step = (high - low) / 8 if high > low else Decimal(100)
    return low - step, high + step, step


def price_chart_svg(
    points: Sequence[ChartPoint],
    *,
    minimum: Decimal | None = None,
    ceiling: Decimal | None = None,
    title: str = "Price per contact hour",
) -> str:
    """A dot chart of prices per contact hour with the model minimum and the ceiling marked."""
    values = [p.value for p in points] + [v for v in (minimum, ceiling) if v is not None]
    rows = len(points)
    plot_height = ROW * max(rows, 1)
    height = TOP + plot_height + BOTTOM
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="price-chart" role="img" width="{_n(WIDTH)}"'
        f' height="{_n(height)}" viewBox="0 0 {_n(WIDTH)} {_n(height)}" font-family="{FONT}" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    if not values:
        out.append(f'<text x="{_n(PLOT_LEFT)}" y="{_n(TOP + ROW / 2)}">No prices to show.</text></svg>')
        return "".join(out)

    start, end, step = _scale(values)
    width = PLOT_RIGHT - PLOT_LEFT

    def x(value: Decimal) -> Decimal:
        return PLOT_LEFT + (value - start) * width / (end - start)

    plot_bottom = TOP + plot_height
    # Grid and axis.
    tick = start
    while tick <= end:
        tx = x(tick)
        out.append(
            f'<line x1="{_n(tx)}" y1="{_n(TOP)}" x2="{_n(tx)}" y2="{_n(plot_bottom)}" stroke="#dddddd"'
            ' stroke-width="0.6"/>'
        )
        label = f"£{tick.normalize():f}" if tick == tick.to_integral_value() else f"£{tick:.2f}"
        out.append(
            f'<text class="tick" x="{_n(tx)}" y="{_n(plot_bottom + 14)}" text-anchor="middle">{escape(label)}</text>'
        )
        tick += step
    out.append(
        f'<line x1="{_n(PLOT_LEFT)}" y1="{_n(plot_bottom)}" x2="{_n(PLOT_RIGHT)}" y2="{_n(plot_bottom)}"'
        ' stroke="#0b0c0c" stroke-width="0.8"/>'
    )
    out.append(
        f'<text x="{_n(PLOT_LEFT + width / 2)}" y="{_n(plot_bottom + 28)}" text-anchor="middle">'
        "Price per contact hour (£)</text>"
    )

    # Reference lines, labelled above the plot on two levels so close values never collide.
    for level, (value, colour, dash, name, css) in enumerate(
        (
            (minimum, MINIMUM_COLOUR, ' stroke-dasharray="4 3"', "Model minimum", "minimum"),
            (ceiling, CEILING_COLOUR, "", "Ceiling", "ceiling"),
        )
    ):
        if value is None:
            continue
        lx = x(value)
        out.append(
            f'<line class="{css}" x1="{_n(lx)}" y1="{_n(TOP - 4)}" x2="{_n(lx)}" y2="{_n(plot_bottom)}"'
            f' stroke="{colour}" stroke-width="1.4"{dash}/>'
        )
        anchor = "end" if lx > PLOT_RIGHT - 60 else ("start" if lx < PLOT_LEFT + 60 else "middle")
        ly = Decimal(12) + Decimal(13) * level
        out.append(
            f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}" fill="{colour}">'
            f"{escape(name)} {escape(gbp(value))}</text>"
        )

    # One row per bid.
    for index, point in enumerate(points):
        cy = TOP + ROW * index + ROW / 2
        px = x(point.value)
        colour = _COLOURS[point.kind]
        out.append(
            f'<text x="{_n(LABEL_RIGHT)}" y="{_n(cy + 4)}" text-anchor="end">{escape(_truncate(point.label))}</text>'
        )
        out.append(
            f'<line x1="{_n(PLOT_LEFT)}" y1="{_n(cy)}" x2="{_n(px)}" y2="{_n(cy)}" stroke="{colour}"'
            ' stroke-width="1" stroke-opacity="0.5"/>'
        )
        fill = "#ffffff" if point.kind is PointKind.NOT_RANKED else colour
        out.append(
            f'<circle class="bid {point.kind.value}" cx="{_n(px)}" cy="{_n(cy)}" r="5" fill="{fill}"'
            f' stroke="{colour}" stroke-width="1.6"/>'
        )
        right = px < PLOT_RIGHT - 50
        tx = px + (9 if right else -9)
        out.append(
            f'<text class="value" x="{_n(tx)}" y="{_n(cy - 6)}" text-anchor="{"start" if right else "end"}"'
            f' font-size="9.5">{escape(gbp(point.value))}</text>'
        )

    # Legend.
    ly = plot_bottom + 46
    lx = PLOT_LEFT - Decimal(200)
    for kind, name in _LEGEND:
        colour = _COLOURS[kind]
        fill = "#ffffff" if kind is PointKind.NOT_RANKED else colour
        out.append(f'<circle cx="{_n(lx)}" cy="{_n(ly - 4)}" r="4" fill="{fill}" stroke="{colour}" stroke-width="1.4"/>')
        out.append(f'<text x="{_n(lx + 8)}" y="{_n(ly)}">{escape(name)}</text>')
        lx += Decimal(8) + Decimal(len(name)) * Decimal("6.2") + Decimal(22)
    out.append("</svg>")
    return "".join(out)


def _kind(row_status: RowStatus, recommended: bool, below_minimum: bool) -> PointKind:
    if row_status is not RowStatus.RANKED:
        return PointKind.NOT_RANKED
    if recommended:
        return PointKind.RECOMMENDED
    if below_minimum:
        return PointKind.BELOW_MINIMUM
    return PointKind.RANKED


def lot_price_chart(lot: LotSection) -> str:
    """The lot's chart: every bid with a price, in the lot's row order."""
    points = [
        ChartPoint(
            label=row.provider_name,
            value=row.price_per_contact_hour,
            kind=_kind(row.status, row.recommended, row.needs_clarification),
        )
        for row in lot.rows
        if row.price_per_contact_hour is not None
    ]
    return price_chart_svg(
        points,
        minimum=lot.model_minimum,
        ceiling=lot.ceiling_per_contact_hour,
        title=f"{lot.title}: price per contact hour against the cost-of-care model",
    )
