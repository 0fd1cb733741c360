"""`manage.py evaluate TENDER [--json]`: runs the evaluation and prints it; refuses clearly when it cannot."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from evaluation import services
from evaluation.models import EvaluationRun
from tests.evaluation.helpers import moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(commissioner, evaluator, moderator):
    tender = opened_tender()
    bids = [
        submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA"),
        submit_bid(tender, ProviderFactory(name="Bravo Care Ltd"), prices={1: "34.00"}, reference="B-BRAVO"),
    ]
    panel(tender, commissioner, evaluator, moderator=moderator)
    for bid, scores in zip(bids, ((3, 3, 6), (4, 4, 8)), strict=True):
        score_all(bid, evaluator, scores)
    services.moderation_start(tender=tender, user=moderator)
    for bid, scores in zip(bids, ((3, 3, 6), (4, 4, 8)), strict=True):
        moderate(bid, moderator, scores)
    services.quality_lock(tender=tender, user=moderator)
    services.price_envelope_open(tender=tender, user=commissioner)
    return tender


def _run(*args):
    out = StringIO()
    call_command("evaluate", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_prints_the_result_per_lot_as_json(ready):
    data = json.loads(_run(ready.reference, "--json"))
    assert data["tender"] == ready.reference
    (lot,) = data["lots"]
    assert lot["lot"] == 1 and lot["zone"] == ready.lots.get().zone.name
    # Bravo: quality 0.6 x (40 + 24 + 16) = 48.00; price 40 (lowest is Alpha's: 40 x 32/34 = 37.65) ...
    rows = [(b["provider"], b["status"], b["quality_score"], b["price_score"], b["total"], b["rank"]) for b in lot["bids"]]
    assert rows == [
        ("Bravo Care Ltd", "ranked", "48.00", "37.65", "85.65", 1),
        ("Alpha Care Ltd", "ranked", "36.00", "40.00", "76.00", 2),
    ]


def test_it_reruns_and_prints_text(ready):
    _run(ready.reference)
    text = _run(ready.reference)
    assert "Lot 1:" in text and "Bravo Care Ltd" in text
    assert EvaluationRun.objects.filter(tender=ready).count() == 2
    first, second = EvaluationRun.objects.filter(tender=ready).order_by("number")
    assert first.results == second.results
    assert second.run_by_label == "system (manage.py evaluate)"


def test_it_refuses_an_unknown_tender_or_one_not_ready(commissioner):
    with pytest.raises(CommandError, match="No tender"):
        _run("NOPE")
    tender = opened_tender()
    with pytest.raises(CommandError, match="Quality moderation must be complete and locked"):
        _run(tender.reference)


def test_the_admin_is_read_only(ready, commissioner):
    request = RequestFactory().get("/admin/")
    request.user = commissioner
    model_admin = admin.site._registry[EvaluationRun]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
