"""The scoring page lists the bid's documents: quality ones once opened, price ones only with the price envelope."""
from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from tenders.models import BidDocument, BidVersionStatus, DocumentEnvelope
from tests.evaluation.helpers import opened_tender, panel, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(bid, name: str, envelope: str) -> BidDocument:
    version = bid.versions.get(status=BidVersionStatus.SUBMITTED)
    document = BidDocument(version=version, original_name=name, content_type="application/pdf", size=len(PDF),
                           sha256=name.ljust(64, "0")[:64], envelope=envelope)
    document.file.save(name, ContentFile(PDF), save=False)
    document.save()
    return document


@pytest.fixture
def scored_bid(commissioner, evaluator):
    tender = opened_tender()
    bid = submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator)
    quality = attach(bid, "staffing-plan.pdf", DocumentEnvelope.QUALITY)
    price = attach(bid, "price-breakdown.pdf", DocumentEnvelope.PRICE)
    return tender, bid, quality, price


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_scoring_page_lists_quality_documents_and_keeps_price_documents_sealed(scored_bid, evaluator):
    tender, bid, quality, price = scored_bid
    html = client_for(evaluator).get(f"/evaluation/{tender.reference}/bids/{bid.reference}/").content.decode()
    assert "staffing-plan.pdf" in html and "price-breakdown.pdf" not in html
    assert "1 price document stays sealed until the price envelope is opened" in html


def test_a_quality_document_opens_in_the_browser_for_the_panel(scored_bid, evaluator):
    tender, bid, quality, price = scored_bid
    response = client_for(evaluator).get(f"/evaluation/{tender.reference}/bids/{bid.reference}/documents/{quality.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == PDF


def test_a_price_document_is_refused_before_the_price_envelope(scored_bid, evaluator):
    tender, bid, quality, price = scored_bid
    response = client_for(evaluator).get(f"/evaluation/{tender.reference}/bids/{bid.reference}/documents/{price.pk}/")
    assert response.status_code == 403 and b"price envelope" in response.content


def test_someone_off_the_panel_cannot_open_a_document(scored_bid, outsider):
    tender, bid, quality, price = scored_bid
    response = client_for(outsider).get(f"/evaluation/{tender.reference}/bids/{bid.reference}/documents/{quality.pk}/")
    assert response.status_code == 403
