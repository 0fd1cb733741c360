import pytest

from tests.factories import complete_tender

pytestmark = pytest.mark.django_db


def test_a_commissioner_sees_the_tender_with_links_to_its_work(client, commissioner):
    tender = complete_tender()
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
