import pytest

from tests.factories import complete_tender

pytestmark = pytest.mark.django_db


def test_a_commissioner_sees_the_tender_with_links_to_its_work(client, commissioner):
    # Issue 12: a draft's page leads to the builder; the links to bids, amendments etc. start at publication.
    from tenders.services import tender_publish

    tender = complete_tender()
    tender_publish(tender=tender, user=commissioner)
    client.force_login(commissioner)
    page = client.get(f"/tenders/{tender.reference}/").content.decode()
    assert tender.title in page
    for path in ("bids/", "clarifications/", "amend/", "costs/", "summary/", f"/reports/{tender.reference}/"):
        assert path in page


def test_a_provider_sees_no_commissioner_links(client, bidder, commissioner):
    from tenders.services import tender_publish

    tender = complete_tender()
    tender_publish(tender=tender, user=commissioner)
    client.force_login(bidder)
    page = client.get(f"/tenders/{tender.reference}/").content.decode()
    assert tender.title in page and "Amend the tender" not in page


def test_a_draft_leads_the_commissioner_to_the_builder(client, commissioner):
    tender = complete_tender()
    client.force_login(commissioner)
    page = client.get(f"/tenders/{tender.reference}/").content.decode()
    assert f"/tenders/{tender.reference}/build/" in page and "Check and publish" in page
    assert "amend/" not in page
