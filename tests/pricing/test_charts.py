"""The SVG charts: pure markup, escaped labels, no style attributes or scripts (the CSP forbids them)."""
from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from pricing.charts import Bar, Segment, Series, breakdown_bar, line_chart, stacked_bar_chart
from pricing.cost_model import assumptions_from_mapping, cost_of_care
from pricing.preset_data import PRESETS


def breakdown(slug: str):
    return cost_of_care(assumptions_from_mapping(next(p for p in PRESETS if p["slug"] == slug)))


def test_a_breakdown_bar_has_the_seven_association_lines_and_the_floor():
    bar = breakdown_bar("2020/21", breakdown("2020-21"))
    assert [s.label for s in bar.segments][0] == "Careworkers' contact time"
    assert len(bar.segments) == 7
    assert bar.total == breakdown("2020-21").total
    assert bar.marker == breakdown("2020-21").statutory_floor


def test_the_stacked_bar_chart_is_well_formed_svg_with_totals_and_legend():
    svg = stacked_bar_chart([breakdown_bar("2016/17", breakdown("2016-17")),
                             breakdown_bar("2020/21", breakdown("2020-21"))], title="Presets")
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "£16.70" in svg and "£20.69" in svg
    assert "Careworkers&#x27; mileage" in svg or "Careworkers' mileage" in svg
    assert "Statutory floor" in svg
    assert 'stroke-dasharray="5 3"' in svg


def test_charts_carry_no_style_attributes_scripts_or_handlers():
    svgs = [
        stacked_bar_chart([breakdown_bar("x", breakdown("2025-26"))], title="t"),
        line_chart([Series("Lot 1", ((15, Decimal("40")), (60, Decimal("30"))))], title="t"),
    ]
    for svg in svgs:
        assert "style=" not in svg and "<script" not in svg and not re.search(r"\son[a-z]+=", svg)


def test_labels_are_escaped():
    svg = stacked_bar_chart([Bar('<script>alert("x")</script>', (Segment("A & B", Decimal("1")),))], title="<b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; B" in svg
    ElementTree.fromstring(svg)


def test_the_line_chart_plots_each_series_with_its_points():
    svg = line_chart([Series("Lot 1: North", ((15, Decimal("22.72")), (30, Decimal("18.21")), (60, Decimal("15.95")))),
                      Series("Lot 2: East", ((15, Decimal("20.85")), (60, Decimal("15.48"))))], title="Visits")
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f"{ns}polyline")) == 2
    assert len(root.findall(f"{ns}circle")) == 5
    assert "Lot 1: North: 15-minute visits £22.72" in svg


def test_empty_or_negative_input_is_refused():
    with pytest.raises(ValueError):
        stacked_bar_chart([], title="t")
    with pytest.raises(ValueError, match="negative"):
        stacked_bar_chart([Bar("x", (Segment("a", Decimal("-1")),))], title="t")
    with pytest.raises(ValueError):
        line_chart([], title="t")
