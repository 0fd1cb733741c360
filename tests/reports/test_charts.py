"""The price chart: each bid's price per contact hour against the model minimum and the ceiling."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from reports.charts import ChartPoint, PointKind, lot_price_chart, price_chart_svg
from reports.sample import sample_context

SVG = "{http://www.w3.org/2000/svg}"


def _points() -> list[ChartPoint]:
    return [
        ChartPoint("Lune Valley Home Care Ltd", Decimal("33.84"), PointKind.RECOMMENDED),
        ChartPoint("Wyre Coast Care Services Ltd", Decimal("30.24"), PointKind.BELOW_MINIMUM),
        ChartPoint("Pennine Enablement Partnership Ltd", Decimal("35.10"), PointKind.RANKED),
    ]


def _circles(svg: str) -> list[Decimal]:
    """cx of the bid dots, in row order (the legend's dots have no class)."""
    root = ET.fromstring(svg)
    return [Decimal(c.get("cx")) for c in root.iter(f"{SVG}circle") if "bid" in (c.get("class") or "").split()]


def _line_x(svg: str, css_class: str) -> Decimal:
    root = ET.fromstring(svg)
    for line in root.iter(f"{SVG}line"):
        if line.get("class") == css_class:
            return Decimal(line.get("x1"))
    raise AssertionError(f"no {css_class} line")


def _ticks(svg: str) -> list[Decimal]:
    root = ET.fromstring(svg)
    return [Decimal(t.text.lstrip("£")) for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]


def test_it_is_well_formed_svg_with_a_title():
    svg = price_chart_svg(_points(), minimum=Decimal("31.55"), ceiling=Decimal("37.20"), title="Lot 2")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Lot 2"


def test_it_draws_one_dot_per_bid_in_price_order():
    xs = _circles(price_chart_svg(_points(), minimum=Decimal("31.55")))
    assert len(xs) == 3
    lune, wyre, pennine = xs
    assert wyre < lune < pennine


def test_it_marks_the_model_minimum_and_the_ceiling_with_their_prices():
    svg = price_chart_svg(_points(), minimum=Decimal("31.55"), ceiling=Decimal("37.20"))
    assert "Model minimum £31.55" in svg
    assert "Ceiling £37.20" in svg
    minimum_x, ceiling_x = _line_x(svg, "minimum"), _line_x(svg, "ceiling")
    lune, wyre, pennine = _circles(svg)
    # The abnormally low price sits left of the minimum line; every price sits left of the ceiling.
    assert wyre < minimum_x < lune < pennine < ceiling_x


def test_it_labels_each_dot_with_its_price_to_the_penny():
    svg = price_chart_svg(_points(), minimum=Decimal("31.55"))
    for text in ("£33.84", "£30.24", "£35.10"):
        assert text in svg


def test_it_starts_the_axis_below_the_lowest_figure_and_ends_above_the_highest():
    svg = price_chart_svg(_points(), minimum=Decimal("31.55"), ceiling=Decimal("37.20"))
    ticks = _ticks(svg)
    assert min(ticks) <= Decimal("30.24")
    assert max(ticks) >= Decimal("37.20")
    assert len(ticks) <= 9


def test_it_is_deterministic():
    one = price_chart_svg(_points(), minimum=Decimal("31.55"), ceiling=Decimal("37.20"))
    two = price_chart_svg(list(_points()), minimum=Decimal("31.550"), ceiling=Decimal("37.2"))
    assert one == two


def test_it_escapes_provider_names():
    svg = price_chart_svg([ChartPoint("<script>alert(1)</script> & Co", Decimal("30"))])
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in svg
    ET.fromstring(svg)


def test_it_copes_with_no_prices_and_with_one_price():
    assert "No prices to show." in price_chart_svg([])
    svg = price_chart_svg([ChartPoint("Only bidder", Decimal("30.00"))])
    assert len(_circles(svg)) == 1


def test_it_plots_a_lot_without_the_excluded_bid_whose_price_was_never_opened():
    lot = sample_context().lot(1)
    svg = lot_price_chart(lot)
    assert "Lune Valley Home Care Ltd" in svg
    assert "Wyre Coast Care Services Ltd" in svg
    assert "Hilltop" not in svg
    assert len(_circles(svg)) == 2
    assert "Model minimum £32.12" in svg
    assert "Ceiling £37.20" in svg  # £31.00 per billed hour on the 50 + 10 basis
