"""Every page's header offers only what the role can use; 403 and 404 keep the navigation and say where to go."""
from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import Role
from common.navigation import nav_links_for
from evaluation.models import EvaluatorAssignment
from tests.evaluation.helpers import opened_tender
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def labels(user) -> list[str]:
    return [link.label for link in nav_links_for(user)]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_legal_sees_evaluation_cqc_and_reports_but_not_cost_of_care_registrations_or_moderation(legal):
    assert labels(legal) == ["Tenders", "Evaluation", "CQC ratings", "Reports"]


def test_a_commissioner_sees_every_commissioning_page(commissioner):
    assert labels(commissioner) == ["Tenders", "Evaluation", "Cost of care", "CQC ratings", "Registrations", "Reports"]


def test_a_provider_sees_only_the_portal(bidder):
    assert labels(bidder) == ["Tenders", "Your bids", "Notifications", "Your organisation"]


def test_an_evaluator_sees_no_reports_no_registrations_and_no_cost_of_care(evaluator):
    assert labels(evaluator) == ["Tenders", "Evaluation", "CQC ratings"]


def test_the_it_admin_manages_users_and_settings_but_reads_no_evaluation_or_reports():
    admin = UserFactory(username="ivan", role=Role.ADMIN)
    # The policy (accounts.permissions.can_decide_registration) lets the IT admin onboard provider organisations.
    assert labels(admin) == ["Tenders", "Cost of care", "CQC ratings", "Registrations", "Administration"]


def test_the_header_marks_the_current_page(commissioner):
    html = client_for(commissioner).get("/pricing/presets/").content.decode()
    assert 'href="/pricing/" aria-current="page">Cost of care' in html


def test_a_refused_page_is_a_helpful_403_with_the_navigation(bidder):
    response = client_for(bidder).get("/evaluation/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot see this page" in html and "Where you can go instead" in html
    assert 'class="govuk-header__navigation"' in html and ">Your bids<" in html


@override_settings(DEBUG=False)
def test_a_missing_page_is_a_helpful_404_with_the_navigation(commissioner):
    response = client_for(commissioner).get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "Where you can go instead" in html and ">Reports<" in html


def test_pricing_named_in_the_readme_exists_and_links_each_tender_to_its_lot_costs(commissioner):
    from tests.factories import complete_tender

    tender = complete_tender()
    html = client_for(commissioner).get("/pricing/").content.decode()
    assert "Cost-of-care presets" in html
    if tender.rate_preset_id:
        assert f'/pricing/tenders/{tender.reference}/costs/' in html


def test_the_preset_form_asks_for_a_short_name_not_a_slug(commissioner):
    html = client_for(commissioner).get("/pricing/presets/new/").content.decode()
    assert "Short name" in html and ">Slug<" not in html


def test_the_vendored_css_references_no_font_file_we_do_not_ship():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static/govuk/govuk-frontend.min.css").read_text()
    assert "/assets/fonts/" not in css


def test_the_conflicts_step_names_no_bidder_before_opening(evaluator, commissioner):
    from tests.evaluation.helpers import submit_bid
    from tests.factories import ProviderFactory

    tender = opened_tender()
    submit_bid(tender, ProviderFactory(name="Secret Bidder Ltd"), prices={1: "32.00"}, reference="B-SECRET")
    tender.status = "closed"
    tender.opened_at = None
    tender.save()
    EvaluatorAssignment.objects.create(tender=tender, user=evaluator, assigned_by=commissioner, assigned_at=timezone.now())
    client = client_for(evaluator)
    html = client.get(f"/evaluation/{tender.reference}/conflicts/").content.decode()
    assert "once the commissioner has opened the bids" in html and "Secret Bidder" not in html
    assert "Conflicts of interest</a>" not in html  # the step is not offered in the tender's menu yet
