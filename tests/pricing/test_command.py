"""`manage.py cost_of_care`: the breakdown as a table, with clear errors."""
from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from demo.lancashire import load_demo

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("cost_of_care", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_2020_21_breakdown_line_by_line():
    text = run("--preset", "2020-21")
    assert "Homecare Association minimum price 2020/21 [2020-21], from 1 April 2020" in text
    for label, amount in [
        ("Care worker pay for contact time", "£8.72"), ("Care worker pay for travel time", "£1.70"),
        ("Care worker mileage", "£1.36"), ("Cost of running the business", "£5.20"), ("Surplus", "£0.60"),
        ("Statutory floor (lines marked *)", "£14.89"), ("Legal minimum (narrower)", "£13.19"),
        ("Sustainable minimum (total)", "£20.69"),
        ("Employer NI and pension", "£1.14"), ("Other wage on-costs (holiday, sickness, training)", "£1.97"),
    ]:
        assert any(line.startswith(label) and amount in line for line in text.splitlines()), (label, amount)


def test_a_rural_zone_prints_a_higher_minimum_than_an_urban_one():
    load_demo()
    rural = run("--preset", "2020-21", "--zone", "west-lancashire")
    urban = run("--preset", "2020-21", "--zone", "crisis-east")
    assert "West Lancashire (rural)" in rural and "East (urban)" in urban

    def total(text: str) -> str:
        return next(line for line in text.splitlines() if line.startswith("Sustainable minimum")).split()[-1]

    assert Decimal(total(rural).lstrip("£")) > Decimal("20.69") > Decimal(total(urban).lstrip("£"))


def test_it_prices_one_visit_length():
    text = run("--preset", "2025-26", "--visit-minutes", "15")
    assert "15-minute visits" in text
    assert "45 travel minutes" in text  # 15 min per hour read as 45-minute visits: 11.25 per visit x 60 / 15


@pytest.mark.parametrize("args, words", [
    (("--preset", "nope"), "Unknown preset 'nope'. Known presets:"),
    (("--preset", "2020-21", "--zone", "atlantis"), "Unknown zone 'atlantis'"),
    # Bounded visit lengths (issue 15): 15 to 240 minutes.
    (("--preset", "2020-21", "--visit-minutes", "0"), "from 15 to 240 minutes, got 0"),
    (("--preset", "2020-21", "--visit-minutes", "-30"), "from 15 to 240 minutes, got -30"),
    (("--preset", "2020-21", "--visit-minutes", "1"), "a visit shorter than 15 minutes is a data-entry error"),
])
def test_bad_arguments_are_clear_errors(args, words):
    with pytest.raises(CommandError, match=words):
        run(*args)
