"""The tender builder pages: a commissioner sets a tender up from nothing and publishes it."""
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from common.models import AuditEntry
from common.timezone import UK_TZ
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


def _parts(name, value):
    """A date (or a moment, in UK time) as the GOV.UK date input's Day, Month, Year (Hour, Minute) fields."""
    if isinstance(value, datetime):
        value = timezone.localtime(value, UK_TZ) if timezone.is_aware(value) else value  # naive: a UK wall time
        return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year,
                f"{name}_hour": value.hour, f"{name}_minute": f"{value.minute:02d}"}
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


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
        **_parts("clarification_deadline", deadline - timedelta(days=10)), **_parts("submission_deadline", deadline),
        **_parts("contract_start", (deadline + timedelta(days=60)).date()),
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


# --- the dates page: GOV.UK date inputs ---------------------------------------------------------------


def _dates_page(carol):
    carol.post("/tenders/new/", {"title": "Crisis", "service_type": "crisis"})
    tender = Tender.objects.get()
    return tender, f"/tenders/{tender.reference}/build/dates/"


def test_the_dates_page_asks_for_day_month_year_and_a_uk_time_for_the_deadlines(carol):
    tender, url = _dates_page(carol)
    Tender.objects.filter(pk=tender.pk).update(
        submission_deadline=datetime(2027, 7, 1, 11, 5, tzinfo=UTC),  # 12:05 in UK summer time
        contract_start=date(2027, 9, 1),
    )
    page = carol.get(url).content.decode()
    assert 'type="date' not in page and "datetime-local" not in page
    assert page.count('class="govuk-fieldset" role="group"') == 4
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Submission deadline</legend>' in page
    assert "For example, 27 3 2027 and 14 30 for 2:30pm, UK time." in page
    for name, value in (("day", "1"), ("month", "7"), ("year", "2027"), ("hour", "12"), ("minute", "05")):
        assert f'name="submission_deadline_{name}" type="text" inputmode="numeric" value="{value}"' in page
    assert 'name="contract_start_month" type="text" inputmode="numeric" value="9"' in page
    assert "contract_start_hour" not in page  # dates without a time
    assert "govuk-input--error" not in page


def test_a_missing_month_is_named_linked_and_only_that_input_is_marked(carol):
    tender, url = _dates_page(carol)
    response = carol.post(url, {"submission_deadline_day": "27", "submission_deadline_month": "",
                                "submission_deadline_year": "2027", "submission_deadline_hour": "12",
                                "submission_deadline_minute": "00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_submission_deadline_month">Submission deadline must include a month</a>' in page
    assert page.count("govuk-input--error") == 1
    assert 'govuk-input--error" id="id_submission_deadline_month"' in page
    assert 'name="submission_deadline_day" type="text" inputmode="numeric" value="27"' in page  # kept as typed
    assert Tender.objects.get(pk=tender.pk).submission_deadline is None
    assert "{#" not in page and "{% comment" not in page  # no template comment leaks onto the page


def test_an_impossible_date_and_a_time_the_clocks_skip_are_refused_on_their_own_fields(carol):
    _, url = _dates_page(carol)
    page = carol.post(url, {
        **_parts("submission_deadline", datetime(2027, 3, 28, 1, 30)),  # 01:30 does not exist: clocks go forward
        "contract_start_day": "31", "contract_start_month": "2", "contract_start_year": "2028",
    }).content.decode()
    assert ('<a href="#id_submission_deadline_hour">Submission deadline is at a time that does not exist in the UK: '
            "the clocks go forward from 1am to 2am on 28 March 2027. Enter a time before 1am or from 2am</a>") in page
    assert '<a href="#id_contract_start_day">Contract start date must be a real date</a>' in page
    assert page.count("govuk-input--error") == 3  # the deadline's hour and minute, the start's day


def test_the_service_still_decides_the_order_of_the_dates_and_the_whole_date_is_marked(carol):
    tender, url = _dates_page(carol)
    deadline = timezone.now() + timedelta(days=30)
    response = carol.post(url, {
        **_parts("submission_deadline", deadline), **_parts("contract_start", timezone.localdate(deadline, UK_TZ)),
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_contract_start_day">The contract must start after the submission deadline.</a>' in page
    for part in ("day", "month", "year"):
        assert f'govuk-input--error" id="id_contract_start_{part}"' in page
    assert Tender.objects.get(pk=tender.pk).submission_deadline is None


def test_the_deadline_typed_in_uk_summer_time_is_stored_as_that_instant(carol):
    tender, url = _dates_page(carol)
    year = timezone.localdate().year + 1
    response = carol.post(url, {
        "submission_deadline_day": "1", "submission_deadline_month": "7", "submission_deadline_year": str(year),
        "submission_deadline_hour": "12", "submission_deadline_minute": "00",
        "clarification_deadline_day": "20", "clarification_deadline_month": "June",
        "clarification_deadline_year": str(year), "clarification_deadline_hour": "17",
        "clarification_deadline_minute": "00",
        "contract_start_day": "1", "contract_start_month": "9", "contract_start_year": str(year),
    })
    assert response.status_code == 302, response.content.decode()
    tender.refresh_from_db()
    assert tender.submission_deadline == datetime(year, 7, 1, 11, 0, tzinfo=UTC)
    assert tender.clarification_deadline == datetime(year, 6, 20, 16, 0, tzinfo=UTC)
    assert tender.contract_start == date(year, 9, 1) and tender.contract_end is None
