"""`evaluation.assemble`: the ceiling test a lot's many prices share is the penny comparison it replaces."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from common.money import pennies
from evaluation.assemble import above_ceiling_test, is_above_ceiling

prices = st.decimals(min_value=Decimal("-50"), max_value=Decimal("100"), places=4, allow_nan=False)


@given(price=prices, ceiling=prices)
def test_the_lot_ceiling_test_is_the_comparison_to_the_penny(price, ceiling):
    """Above the ceiling means above it once both are shown to the penny (half up), for any price and ceiling."""
    shown = pennies(price) > pennies(ceiling)
    assert above_ceiling_test(ceiling)(price) is shown
    assert above_ceiling_test(str(ceiling))(str(price)) is shown
    assert is_above_ceiling(price, ceiling) is shown


def test_half_a_penny_over_is_over_and_just_under_it_is_not():
    over = above_ceiling_test(Decimal("25.00"))
    assert over(Decimal("25.005")) and over("25.01")
    assert not over(Decimal("25.0049999")) and not over("25.00")
    assert not above_ceiling_test(None)("999") and not above_ceiling_test("")("999")  # no ceiling published
