"""The published rules a commissioner picks (stored choices) and the ones scoring applies are one vocabulary.

`tenders.models` keeps them as database choices with labels for pages; `evaluation.scoring` (a pure
module, no Django) keeps them as plain enums. The two layers must hold exactly the same values, or a
tender could publish a rule that scoring cannot apply (or scoring grow one nobody can choose).
"""
from __future__ import annotations

import pytest

from evaluation import scoring
from tenders import models

PAIRS = [
    (models.PriceFormula, scoring.PriceFormula),
    (models.CeilingRule, scoring.CeilingRule),
    (models.TieBreakRule, scoring.TieBreak),
]


@pytest.mark.parametrize(("stored", "applied"), PAIRS, ids=lambda enum: enum.__name__)
def test_every_rule_a_tender_can_publish_is_one_scoring_applies_and_no_other(stored, applied):
    assert {choice.value for choice in stored} == {member.value for member in applied}


@pytest.mark.parametrize(("stored", "applied"), PAIRS, ids=lambda enum: enum.__name__)
def test_each_stored_choice_converts_to_the_same_named_scoring_rule(stored, applied):
    for choice in stored:
        assert applied(choice.value).name == choice.name
