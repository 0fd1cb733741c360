"""Confirmation pages before what cannot be undone: publishing an amendment, opening the price envelope,
withdrawing a bid. Each says what will happen and what cannot be undone, and nothing happens until confirmed."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from evaluation import services
from tenders.models import Amendment
from tests.evaluation.helpers import moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_amendment_with_a_document_is_checked_then_published_with_it(commissioner):
    from tests.tenders.test_bidding_amendments import deadline_parts, open_tender

    tender = open_tender()
    client = client_for(commissioner)
    new = (tender.submission_deadline + timedelta(days=7)).astimezone(timezone.get_current_timezone())
    fields = {"summary": "Addendum: revised rota template.", "description": tender.description,
              **deadline_parts("submission_deadline", new.day, new.month, new.year, "12", "00")}
    check = client.post(f"/bidding/tenders/{tender.reference}/amend/",
                        {**fields, "documents": SimpleUploadedFile("rota.pdf", PDF, content_type="application/pdf")})
    html = check.content.decode()
    assert check.status_code == 200 and "rota.pdf" in html and "What will happen" in html
    assert not Amendment.objects.exists()
    staged = html.split('name="staged" value="')[1].split('"')[0]
    published = client.post(f"/bidding/tenders/{tender.reference}/amend/",
                            {**fields, "confirmed": "yes", "staged": staged})
    assert published.status_code == 302
    amendment = Amendment.objects.get()
    assert [d.original_name for d in amendment.documents.all()] == ["rota.pdf"]
    from django.core.files.storage import default_storage

    assert not default_storage.exists(staged)  # the kept copy goes once published


def test_a_staged_path_from_another_session_is_ignored(commissioner, second_commissioner):
    from tests.tenders.test_bidding_amendments import deadline_parts, open_tender

    tender = open_tender()
    new = (tender.submission_deadline + timedelta(days=7)).astimezone(timezone.get_current_timezone())
    fields = {"summary": "Deadline moved.", "description": tender.description, "confirmed": "yes",
              **deadline_parts("submission_deadline", new.day, new.month, new.year, "12", "00"),
              "staged": "amendment-staging/0000/secret.pdf"}
    assert client_for(second_commissioner).post(f"/bidding/tenders/{tender.reference}/amend/", fields).status_code == 302
    assert not Amendment.objects.get().documents.exists()


def test_opening_the_price_envelope_has_a_confirmation_page(commissioner, evaluator, moderator):
    tender = opened_tender()
    bid = submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator, moderator=moderator)
    score_all(bid, evaluator, (3, 3, 6))
    services.moderation_start(tender=tender, user=moderator)
    moderate(bid, moderator, (3, 3, 6))
    services.quality_lock(tender=tender, user=moderator)
    client = client_for(commissioner)
    summary = client.get(f"/evaluation/{tender.reference}/summary/").content.decode()
    assert f'href="/evaluation/{tender.reference}/open-prices/"' in summary
    page = client.get(f"/evaluation/{tender.reference}/open-prices/").content.decode()
    assert "Are you sure you want to open the price envelope?" in page and "This cannot be undone" in page
    assert f'action="/evaluation/{tender.reference}/actions/open-prices/"' in page
    tender.refresh_from_db()
    assert tender.price_envelope_opened_at is None  # reading the page changes nothing
    assert client_for(evaluator).get(f"/evaluation/{tender.reference}/open-prices/").status_code == 403
