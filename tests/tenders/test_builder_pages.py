"""The tender builder pages: a commissioner sets a tender up from nothing and publishes it."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from common.models import AuditEntry
from tenders.models import Tender
from tenders.transitions import TenderStatus
from tests.factories import ZoneFactory, complete_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol(commissioner):
    client = Client()
    client.force_login(commissioner)
    return client


@pytest.fixture
def zones(db):
    return ZoneFactory(code="crisis-north", name="North"), ZoneFactory(code="crisis-east", name="East")


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_a_commissioner_builds_and_publishes_a_two_lot_tender(carol, zones, bidder):
    north, east = zones
    assert "Create a tender" in carol.get("/").content.decode()
    response = carol.post("/tenders/new/", {"title": "Crisis support at home", "service_type": "crisis", "description": ""})
    assert response.status_code == 302
    tender = Tender.objects.get()
    ref = tender.reference
    assert response["Location"] == f"/tenders/{ref}/build/"
    tasks = carol.get(f"/tenders/{ref}/build/").content.decode()
    assert "Not yet started" in tasks and "Check and publish" in tasks

    # A lot guaranteeing more hours than it buys is refused on the field.
    bad = carol.post(f"/tenders/{ref}/build/lots/add/", {
        "zone": north.pk, "hours_per_week": "360", "contract_type": "block", "guaranteed_minimum_hours": "458",
        "package_price_weight": "0",
    })
    assert bad.status_code == 400
    assert "cannot be more than the lot&#x27;s 360 hours a week" in bad.content.decode()
    assert "govuk-error-summary" in bad.content.decode()
    for zone, hours in ((north, "360"), (east, "575")):
        ok = carol.post(f"/tenders/{ref}/build/lots/add/", {
            "zone": zone.pk, "hours_per_week": hours, "contract_type": "block", "package_price_weight": "0",
        })
        assert ok.status_code == 302, ok.content.decode()
    carol.post(f"/tenders/{ref}/build/questions/add/", {"text": "How will you start care within hours?", "weight": "60",
                                                       "max_score": "5", "word_limit": "500"})
    deadline = timezone.now() + timedelta(days=30)
    response = carol.post(f"/tenders/{ref}/build/dates/", {
        "clarification_deadline": _local(deadline - timedelta(days=10)), "submission_deadline": _local(deadline),
        "contract_start": (deadline + timedelta(days=60)).date().isoformat(), "contract_end": "",
    })
    assert response.status_code == 302, response.content.decode()

    check = carol.get(f"/tenders/{ref}/build/check/").content.decode()
    assert "Quality question weights must add up to 100 (they add up to 60)." in check
    assert "Continue to publish" not in check
    carol.post(f"/tenders/{ref}/build/questions/add/", {"text": "How will you staff it?", "weight": "40",
                                                       "max_score": "5", "word_limit": "500"})
    check = carol.get(f"/tenders/{ref}/build/check/").content.decode()
    assert "There is a problem" not in check
    assert "Preview: the tender as providers will see it" in check and "North" in check
    confirm = carol.get(f"/tenders/{ref}/actions/publish/").content.decode()
    assert "What happens next" in confirm
    response = carol.post(f"/tenders/{ref}/actions/publish/")
    assert response.status_code == 302
    assert Tender.objects.get().status == TenderStatus.PUBLISHED

    provider = Client()
    provider.force_login(bidder)
    portal = provider.get("/portal/").content.decode()
    assert ref in portal.split("Tenders open for bids", 1)[1]
    assert AuditEntry.objects.filter(action="tender.published").count() == 1


def test_providers_and_the_panel_cannot_reach_the_builder(bidder, evaluator):
    tender = complete_tender()
    for user in (bidder, evaluator):
        client = Client()
        client.force_login(user)
        assert client.get("/tenders/new/").status_code == 403
        assert client.post("/tenders/new/", {"title": "x", "service_type": "crisis"}).status_code == 403
        assert client.get(f"/tenders/{tender.reference}/build/").status_code == 403
    assert Tender.objects.count() == 1


def test_a_published_tender_sends_the_builder_to_its_page_and_says_amend(carol, commissioner):
    tender = complete_tender()
    carol.post(f"/tenders/{tender.reference}/actions/publish/")
    response = carol.get(f"/tenders/{tender.reference}/build/details/")
    assert response.status_code == 302 and response["Location"] == f"/tenders/{tender.reference}/"
    page = carol.get(response["Location"]).content.decode()
    assert "amendment" in page and "Amend the tender" in page
    assert "close early" not in page.lower() or "cannot be closed early" in page


def test_cancelling_needs_a_reason_on_its_confirmation_page(carol):
    tender = complete_tender()
    response = carol.post(f"/tenders/{tender.reference}/actions/cancel/", {"reason": ""})
    assert response.status_code == 400 and "Give a reason" in response.content.decode()
    carol.post(f"/tenders/{tender.reference}/actions/cancel/", {"reason": "Budget withdrawn"})
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.CANCELLED


def test_copy_this_tender_makes_a_new_draft(carol):
    tender = complete_tender()
    page = carol.get(f"/tenders/{tender.reference}/").content.decode()
    assert "Copy this tender" in page
    response = carol.post(f"/tenders/{tender.reference}/copy/", {"reference": "COPY-1"})
    assert response.status_code == 302 and response["Location"] == "/tenders/COPY-1/build/"
    assert Tender.objects.get(reference="COPY-1").lots.count() == 1


def test_every_builder_page_renders(carol, zones):
    carol.post("/tenders/new/", {"title": "Crisis", "service_type": "crisis"})
    ref = Tender.objects.get().reference
    for section in ("", "details/", "lots/", "lots/add/", "questions/", "questions/add/", "rules/", "minutes/",
                    "preset/", "dates/", "standstill/", "documents/", "check/"):
        assert carol.get(f"/tenders/{ref}/build/{section}").status_code == 200, section


def test_the_preset_page_warns_when_its_year_does_not_cover_the_contract_start(carol):
    carol.post("/tenders/new/", {"title": "Crisis", "service_type": "crisis"})
    tender = Tender.objects.get()
    Tender.objects.filter(pk=tender.pk).update(contract_start="2030-06-01")
    page = carol.get(f"/tenders/{tender.reference}/build/preset/").content.decode()
    assert "does not cover the contract start on 1 June 2030" in page


def _moved(tender, status):
    Tender.objects.filter(pk=tender.pk).update(status=status, submission_deadline=timezone.now() - timedelta(days=1),
                                               clarification_deadline=timezone.now() - timedelta(days=2))
    return Tender.objects.get(pk=tender.pk)


@pytest.mark.parametrize("status, label, url", [
    ("draft", "Check and publish", "/build/check/"),
    ("published", "Amend the tender", "/amend/"),
    ("closed", "Open the bids", "/bids/"),
    ("opened", "Start the evaluation", "/actions/start-evaluation/"),
    ("in_evaluation", "Award the tender", "/award/"),
])
def test_the_tender_page_shows_the_next_action_for_each_stage(carol, status, label, url):
    tender = complete_tender()
    if status != "draft":
        tender = _moved(tender, status)
    page = carol.get(f"/tenders/{tender.reference}/").content.decode()
    section = page.split("What you can do next", 1)[1].split("</ul>", 1)[0]
    assert label in section and url in section
    assert "Cancel this tender" in section and "Copy this tender" in section
    assert "Close" not in section  # a tender closes at its deadline, never early


def test_starting_the_evaluation_is_confirmed_then_done(carol):
    tender = _moved(complete_tender(), "opened")
    confirm = carol.get(f"/tenders/{tender.reference}/actions/start-evaluation/").content.decode()
    assert "What happens next" in confirm and "panel scores the opened bids" in confirm
    assert Tender.objects.get(pk=tender.pk).status == "opened"
    carol.post(f"/tenders/{tender.reference}/actions/start-evaluation/")
    assert Tender.objects.get(pk=tender.pk).status == "in_evaluation"
    assert AuditEntry.objects.filter(action="tender.in_evaluation").count() == 1


def test_a_forbidden_move_is_explained_not_crashed(carol):
    tender = complete_tender()  # a draft cannot start its evaluation
    response = carol.post(f"/tenders/{tender.reference}/actions/start-evaluation/")
    assert response.status_code == 400 and "cannot become in evaluation" in response.content.decode()


def test_providers_see_no_next_actions(bidder, commissioner):
    tender = complete_tender()
    from tenders.services import tender_publish

    tender_publish(tender=tender, user=commissioner)
    client = Client()
    client.force_login(bidder)
    page = client.get(f"/tenders/{tender.reference}/").content.decode()
    assert "What you can do next" not in page
    assert client.get(f"/tenders/{tender.reference}/actions/cancel/").status_code == 403


def test_specification_documents_are_checked_added_and_removed(carol):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.tenders.bidding_support import PDF_BYTES

    carol.post("/tenders/new/", {"title": "Crisis", "service_type": "crisis"})
    tender = Tender.objects.get()
    url = f"/tenders/{tender.reference}/build/documents/"
    fake = carol.post(url, {"title": "Specification", "file": SimpleUploadedFile("spec.pdf", b"not really a pdf")})
    assert fake.status_code == 400 and "must be a PDF" in fake.content.decode()
    carol.post(url, {"title": "Specification", "file": SimpleUploadedFile("spec.pdf", PDF_BYTES)})
    document = tender.documents.get()
    assert document.title == "Specification" and document.content_type == "application/pdf"
    carol.post(url, {"remove": document.pk})
    assert not tender.documents.exists()
    assert AuditEntry.objects.filter(action__in=["tender.document_added", "tender.document_removed"]).count() == 2
