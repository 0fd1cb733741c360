"""Building a tender as a draft: create, edit, copy; validated, audited, refused once published."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from common.errors import PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.models import AuditEntry
from pricing.models import RatePreset
from tenders import services
from tenders.models import Amendment, Lot, ServiceType, Tender, TenderDocument
from tenders.transitions import TenderStatus
from tests.factories import LotFactory, TenderFactory, ZoneFactory, complete_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def north(db):
    return ZoneFactory(code="north", name="North")


@pytest.fixture
def east(db):
    return ZoneFactory(code="east", name="East")


def _crisis(**extra):
    return {"title": "Crisis support at home", "service_type": ServiceType.CRISIS, **extra}


def test_it_creates_a_draft_with_a_suggested_reference_and_audits_it(commissioner, north):
    tender = services.tender_create(
        user=commissioner, values=_crisis(),
        lots=[{"zone": north, "hours_per_week": Decimal("360"), "guaranteed_minimum_hours": Decimal("300")}],
        questions=[{"text": "How will you start care within hours?", "weight": Decimal("100")}],
    )
    assert tender.status == TenderStatus.DRAFT
    assert tender.reference == f"CRISIS-{timezone.localdate().year}-01"
    assert tender.submission_deadline is None
    assert [(lot.number, lot.zone.code) for lot in tender.lots.all()] == [(1, "north")]
    entry = AuditEntry.objects.get(action="tender.created")
    assert entry.actor == commissioner
    assert entry.after["lots"][0]["hours_per_week"] == "360.00"


def test_suggested_references_do_not_clash(commissioner):
    first = services.tender_create(user=commissioner, values=_crisis())
    second = services.tender_create(user=commissioner, values=_crisis())
    assert first.reference != second.reference
    assert second.reference.endswith("-02")


def test_it_picks_the_preset_in_force_at_the_contract_start(commissioner):
    tender = services.tender_create(user=commissioner, values=_crisis(contract_start=date(2024, 6, 1)))
    assert tender.rate_preset.slug == "2024-25"


def test_every_problem_is_reported_at_once_by_field(commissioner, north):
    now = timezone.now()
    with pytest.raises(services.DraftInvalid) as exc:
        services.tender_create(
            user=commissioner,
            values=_crisis(
                title=" ", quality_weight=Decimal("70"), price_weight=Decimal("40"),
                submission_deadline=now + timedelta(days=10), clarification_deadline=now + timedelta(days=11),
            ),
            lots=[{"zone": north, "hours_per_week": Decimal("360"), "guaranteed_minimum_hours": Decimal("458")}],
            questions=[{"text": "", "weight": Decimal("0")}],
        )
    errors = exc.value.errors
    assert errors["title"] == ["Enter the tender's title."]
    assert "must add up to 100" in errors["price_weight"][0]
    assert errors["clarification_deadline"] == ["Clarification questions must close before the submission deadline."]
    assert errors["lots.0.guaranteed_minimum_hours"] == [
        "Guaranteed minimum hours (458) cannot be more than the lot's 360 hours a week."
    ]
    assert "questions.0.text" in errors and "questions.0.weight" in errors
    assert not Tender.objects.exists() and not AuditEntry.objects.exists()


def test_a_reference_is_unique_and_well_formed(commissioner):
    TenderFactory(reference="LCC-CRISIS-2026")
    with pytest.raises(services.DraftInvalid) as exc:
        services.tender_create(user=commissioner, values=_crisis(reference="lcc-crisis-2026"))
    assert exc.value.errors["reference"] == ["The reference lcc-crisis-2026 is already used by another tender."]
    with pytest.raises(services.DraftInvalid) as exc:
        services.tender_create(user=commissioner, values=_crisis(reference="has spaces"))
    assert "letters, numbers, hyphens" in exc.value.errors["reference"][0]


def test_only_a_commissioner_builds_tenders(bidder, evaluator, legal):
    for user in (bidder, evaluator, legal):
        with pytest.raises(PermissionDeniedError):
            services.tender_create(user=user, values=_crisis())


def test_the_it_admin_cannot_build_tenders(db):
    from tests.factories import UserFactory

    it = UserFactory(username="ian", role="admin", is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDeniedError):
        services.tender_create(user=it, values=_crisis())


def test_updating_a_draft_changes_it_and_records_before_and_after(commissioner, north, east):
    tender = services.tender_create(user=commissioner, values=_crisis(), lots=[{"zone": north, "hours_per_week": 360}])
    services.tender_update_draft(
        tender=tender, user=commissioner, values={"title": "Crisis care, North and East", "reference": "CRISIS-NE"},
        lots=[{"zone": north, "hours_per_week": Decimal("360")}, {"zone": east, "hours_per_week": Decimal("575")}],
    )
    tender.refresh_from_db()
    assert tender.reference == "CRISIS-NE"
    assert [lot.zone.code for lot in tender.lots.all()] == ["north", "east"]
    entry = AuditEntry.objects.get(action="tender.draft_updated")
    assert entry.before["title"] == "Crisis support at home"
    assert entry.after["title"] == "Crisis care, North and East"
    assert len(entry.after["lots"]) == 2


def test_two_lots_cannot_share_a_zone(commissioner, north):
    with pytest.raises(services.DraftInvalid) as exc:
        services.tender_create(
            user=commissioner, values=_crisis(),
            lots=[{"zone": north, "hours_per_week": 360}, {"zone": north, "hours_per_week": 100}],
        )
    assert exc.value.errors["lots.1.zone"] == ["Lot 1 already covers this zone."]


def test_a_published_tender_is_changed_only_by_amendment(commissioner):
    tender = complete_tender()
    services.tender_publish(tender=tender, user=commissioner)
    with pytest.raises(TransitionNotAllowed, match="amendment"):
        services.tender_update_draft(tender=tender, user=commissioner, values={"title": "Sneaky"})
    with pytest.raises(TransitionNotAllowed, match="amendment"):
        services.tender_lot_save(tender=tender, user=commissioner, number=1, values={"hours_per_week": 1})
    tender.refresh_from_db()
    assert tender.title != "Sneaky"


def test_lots_and_questions_are_added_changed_and_removed_one_at_a_time(commissioner, north, east):
    tender = services.tender_create(user=commissioner, values=_crisis())
    services.tender_lot_save(tender=tender, user=commissioner, values={"zone": north, "hours_per_week": 360})
    services.tender_lot_save(tender=tender, user=commissioner, values={"zone": east, "hours_per_week": 575})
    services.tender_lot_save(tender=tender, user=commissioner, number=2, values={"hours_per_week": 600})
    services.tender_lot_remove(tender=tender, user=commissioner, number=1)
    assert [(lot.number, lot.zone.code, lot.hours_per_week) for lot in tender.lots.all()] == [(1, "east", Decimal("600"))]
    question = services.tender_question_save(tender=tender, user=commissioner, values={"text": "Why?", "weight": 100})
    assert question.number == 1
    assert AuditEntry.objects.filter(action__startswith="tender.lot_").count() == 4


def test_copying_makes_a_new_draft_with_lots_and_questions_but_no_dates(commissioner):
    source = complete_tender(contract_start=date(2027, 4, 1))
    copy = services.tender_copy(tender=source, user=commissioner)
    assert copy.pk != source.pk and copy.status == TenderStatus.DRAFT
    assert copy.title.endswith("(copy)")
    assert copy.submission_deadline is None and copy.contract_start is None
    assert copy.lots.count() == source.lots.count() and copy.questions.count() == source.questions.count()
    assert AuditEntry.objects.get(action="tender.copied").note == f"Copied from {source.reference}"


def _spec_documents(tender, commissioner):
    from tests.tenders.bidding_support import PDF_BYTES, docx_bytes

    spec = services.tender_document_add(tender=tender, user=commissioner, title="Specification", name="spec.pdf",
                                        data=PDF_BYTES)
    rota = services.tender_document_add(tender=tender, user=commissioner, title="Staffing plan", name="plan.docx",
                                        data=docx_bytes())
    return spec, rota


def _read(document):
    with document.file.open("rb") as handle:
        return handle.read()


def test_copying_copies_the_specification_documents_as_the_new_tenders_own_files(commissioner):
    source = complete_tender()
    spec, rota = _spec_documents(source, commissioner)
    amendment = Amendment.objects.create(tender=source, number=1, summary="Addendum", created_by=commissioner,
                                         created_at=timezone.now())
    TenderDocument.objects.create(tender=source, amendment=amendment, title="Addendum 1", file=spec.file.name,
                                  original_name="addendum.pdf", content_type="application/pdf", size=spec.size,
                                  sha256=spec.sha256)

    copy = services.tender_copy(tender=source, user=commissioner, reference="COPY-1")

    copied = list(copy.documents.order_by("uploaded_at", "id"))
    assert [d.title for d in copied] == ["Specification", "Staffing plan"]  # the addendum stays with its tender
    for original, twin in zip((spec, rota), copied, strict=True):
        assert twin.tender == copy and twin.amendment is None
        assert (twin.original_name, twin.content_type, twin.size, twin.sha256) == (
            original.original_name, original.content_type, original.size, original.sha256)
        assert twin.file.name != original.file.name  # its own stored file...
        assert _read(twin) == _read(original)  # ...with the same content
    assert source.documents.count() == 3
    entry = AuditEntry.objects.get(action="tender.copied")
    assert [(d["title"], d["sha256"], d["copied_from"]) for d in entry.after["documents"]] == [
        ("Specification", spec.sha256, spec.pk), ("Staffing plan", rota.sha256, rota.pk)]

    # Removing a document from the copy leaves the source's file alone.
    services.tender_document_remove(tender=copy, user=commissioner, document_id=copied[0].pk)
    from tests.tenders.bidding_support import PDF_BYTES

    assert _read(TenderDocument.objects.get(pk=spec.pk)) == PDF_BYTES


def test_a_document_whose_file_no_longer_matches_its_digest_stops_the_copy(commissioner):
    source = complete_tender()
    spec, _ = _spec_documents(source, commissioner)
    TenderDocument.objects.filter(pk=spec.pk).update(sha256="0" * 64)
    with pytest.raises(RuleViolation, match="does not match its recorded digest"):
        services.tender_copy(tender=source, user=commissioner, reference="COPY-1")
    assert not Tender.objects.filter(reference="COPY-1").exists()
    assert not AuditEntry.objects.filter(action="tender.copied").exists()


def test_the_check_lists_every_problem_by_section(commissioner):
    tender = services.tender_create(user=commissioner, values=_crisis(rate_preset=None))
    sections = {p.section for p in services.tender_check(tender=tender, now=timezone.now())}
    assert sections == {"lots", "questions", "dates", "preset"}


def test_question_weights_must_add_up_to_100_before_publishing(commissioner):
    tender = complete_tender()
    tender.questions.update(weight=Decimal("60"))
    messages = [p.message for p in services.tender_check(tender=tender, now=timezone.now())]
    assert "Quality question weights must add up to 100 (they add up to 60)." in messages


def test_the_preset_warning_says_when_its_year_does_not_cover_the_contract_start():
    preset = RatePreset.objects.get(slug="2016-17")
    assert services.preset_warning(tender=TenderFactory.build(rate_preset=preset, contract_start=date(2016, 12, 1))) == ""
    warning = services.preset_warning(tender=TenderFactory.build(rate_preset=preset, contract_start=date(2026, 6, 1)))
    assert "does not cover the contract start on 1 June 2026" in warning and "Choose 2026/27" in warning


def test_the_database_refuses_more_guaranteed_hours_than_the_lot_has():
    with pytest.raises(IntegrityError):
        LotFactory(hours_per_week=Decimal("360"), guaranteed_minimum_hours=Decimal("458"))


def test_the_database_refuses_a_published_tender_without_a_deadline():
    with pytest.raises(IntegrityError):
        TenderFactory(status=TenderStatus.PUBLISHED, submission_deadline=None)


def test_lot_model_is_unchanged_for_lots_within_their_hours():
    lot = LotFactory(hours_per_week=Decimal("360"), guaranteed_minimum_hours=Decimal("360"))
    assert Lot.objects.get(pk=lot.pk).guaranteed_minimum_hours == Decimal("360")


def test_a_draft_without_a_deadline_refuses_bids_cleanly(bidder):
    draft = TenderFactory(submission_deadline=None, clarification_deadline=None)
    with pytest.raises(TransitionNotAllowed, match="not published"):
        services.bid_start(tender=draft, user=bidder)
