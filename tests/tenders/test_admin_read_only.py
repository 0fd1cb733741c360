"""The Django admin is for IT: a superuser can look at procurement records but change none of them."""
from datetime import timedelta

import pytest
import time_machine
from django.contrib import admin
from django.test import Client, RequestFactory
from django.utils import timezone

from common.errors import DeadlinePassed
from common.models import AuditEntry
from tenders import services
from tenders.models import Bid, Lot, QualityQuestion, Tender
from tests.factories import UserFactory, complete_tender
from tests.tenders.bidding_support import complete_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", role="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def published(commissioner):
    tender = complete_tender()
    services.tender_publish(tender=tender, user=commissioner)
    return Tender.objects.get(pk=tender.pk)


def test_posting_the_change_form_of_a_published_tender_changes_nothing(superuser, published):
    client = Client()
    client.force_login(superuser)
    url = f"/admin/tenders/tender/{published.pk}/change/"
    assert client.get(url).status_code == 200  # IT may look
    later = timezone.now() + timedelta(days=365)
    response = client.post(url, {
        "reference": published.reference, "title": "Changed in the admin", "service_type": published.service_type,
        "submission_deadline_0": later.strftime("%Y-%m-%d"), "submission_deadline_1": "12:00:00",
        "quality_weight": "10", "price_weight": "90",
    })
    assert response.status_code == 403
    after = Tender.objects.get(pk=published.pk)
    assert after.submission_deadline == published.submission_deadline
    assert (after.title, after.quality_weight) == (published.title, published.quality_weight)
    # Sign-ins are audited too (issue 13); nothing else may have been recorded.
    assert not AuditEntry.objects.exclude(action="tender.published").exclude(action__startswith="auth.").exists()


def test_a_late_bid_is_still_refused_after_an_admin_attempt(superuser, published, bidder):
    client = Client()
    client.force_login(superuser)
    later = published.submission_deadline + timedelta(days=30)
    client.post(f"/admin/tenders/tender/{published.pk}/change/", {
        "submission_deadline_0": later.strftime("%Y-%m-%d"), "submission_deadline_1": "12:00:00",
    })
    bid = services.bid_start(tender=published, user=bidder)
    complete_draft(bid, bidder)
    with time_machine.travel(published.submission_deadline + timedelta(minutes=5)):
        with pytest.raises(DeadlinePassed):
            services.bid_submit(bid=bid, user=bidder)
    assert Bid.objects.get(pk=bid.pk).status == "draft"


def test_adding_or_deleting_tenders_in_the_admin_is_forbidden(superuser, published):
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/tenders/tender/add/").status_code == 403
    assert client.post(f"/admin/tenders/tender/{published.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Tender.objects.filter(pk=published.pk).exists()


def test_every_procurement_record_is_read_only_for_a_superuser(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    from evaluation.models import ConsensusScore, EvaluationRun, IndividualScore

    for model in (Tender, Bid, AuditEntry, IndividualScore, ConsensusScore, EvaluationRun):
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue  # not registered at all (scores: the IT admin never reads them)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
    for model in (Lot, QualityQuestion):  # shown only inline on the tender, never editable
        assert model not in admin.site._registry
    from tenders.models import BidVersion

    assert BidVersion not in admin.site._registry  # sealed content is not in the admin at all
