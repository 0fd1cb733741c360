"""The contracting authority in letters comes from the REPORT_AUTHORITY_* settings, named once, with a real contact."""
from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.test import override_settings

from reports.building import _authority
from reports.context import Authority
from tests.factories import TenderFactory

SETTINGS = dict(
    REPORT_AUTHORITY_NAME="Wyre Borough Council",
    REPORT_AUTHORITY_ADDRESS="Civic Centre| Breck Road |Poulton-le-Fylde|FY6 7PU",
    REPORT_AUTHORITY_EMAIL="care.tenders@wyre.example",
    REPORT_AUTHORITY_SIGNATORY_NAME="Jo Bloggs",
    REPORT_AUTHORITY_SIGNATORY_TITLE="Director of Adult Services",
)


@override_settings(**SETTINGS)
def test_the_authority_is_read_from_settings(db):
    authority = _authority(TenderFactory(), [])
    assert authority == Authority(
        name="Wyre Borough Council",
        address_lines=("Civic Centre", "Breck Road", "Poulton-le-Fylde", "FY6 7PU"),
        contact_name="Jo Bloggs",
        contact_email="care.tenders@wyre.example",
        signatory_name="Jo Bloggs",
        signatory_title="Director of Adult Services",
    )


def _signature(authority: Authority) -> str:
    html = render_to_string("reports/_signature.html", {"authority": authority, "tender": None, "bidder": None})
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_letter_is_signed_with_the_council_named_once_and_a_contact_to_write_to():
    text = _signature(Authority(name="Wyre Borough Council", contact_name="Jo Bloggs",
                                contact_email="care.tenders@wyre.example", signatory_name="Jo Bloggs",
                                signatory_title="Director of Adult Services"))
    assert "Jo Bloggs Director of Adult Services Wyre Borough Council" in text
    assert text.count("Wyre Borough Council") == 1
    assert "care.tenders@wyre.example" in text
    unsigned = _signature(Authority(name="Wyre Borough Council"))
    assert unsigned.count("Wyre Borough Council") == 1
