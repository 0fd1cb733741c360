"""CQC pages: upload form with an error summary, import status with polling, provider lookup."""
from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cqc.models import CQCImport, CQCLocation, ImportStatus
from cqc.services import cqc_import_file, cqc_import_queue
from tests.cqc.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def assert_csp_safe(html: str) -> None:
    """No inline scripts, event handlers or style attributes (the Content-Security-Policy blocks them)."""
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script or "nonce=" in script, script


@pytest.fixture
def imported():
    return cqc_import_file(path_or_file=FIXTURES / "scenario.csv")


def test_a_commissioner_uploads_a_file_and_sees_the_counts(client, commissioner):
    client.force_login(commissioner)
    data = SimpleUploadedFile("ratings.csv", FIXTURES.joinpath("scenario.csv").read_bytes())

    response = client.post(reverse("cqc-import-new"), {"file": data}, follow=True)

    cqc_import = CQCImport.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cqc-import-detail", args=[cqc_import.pk])
    html = response.content.decode()
    assert "Imported ratings.csv: 12 new, 0 updated, 0 unchanged, 0 rows rejected." in html
    assert "data-progress-url" not in html  # finished: nothing to poll
    assert_csp_safe(html)


def test_a_bad_file_is_shown_in_the_error_summary(client, commissioner):
    client.force_login(commissioner)
    data = SimpleUploadedFile("notes.csv", b"name,amount\nTea,1.50\n")

    response = client.post(reverse("cqc-import-new"), {"file": data})

    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'href="#id_file"' in html
    assert "nothing was changed: &#x27;notes.csv&#x27; is missing columns: Location ID" in html
    assert not CQCLocation.objects.exists()
    assert_csp_safe(html)


def test_submitting_no_file_asks_for_one(client, commissioner):
    client.force_login(commissioner)

    response = client.post(reverse("cqc-import-new"), {})

    assert response.status_code == 400
    assert "Choose a CQC ratings file to upload" in response.content.decode()


def test_the_upload_form_is_for_commissioners(client, commissioner, evaluator, bidder):
    client.force_login(commissioner)
    assert client.get(reverse("cqc-import-new")).status_code == 200
    for user in (evaluator, bidder):
        client.force_login(user)
        assert client.get(reverse("cqc-import-new")).status_code == 403


def test_a_running_import_page_polls_its_progress_from_a_static_script(client, commissioner):
    cqc_import = cqc_import_queue(data=FIXTURES.joinpath("scenario.csv").read_bytes(), filename="big.csv",
                                  user=commissioner)  # on_commit never runs in this test: it stays queued
    client.force_login(commissioner)

    html = client.get(reverse("cqc-import-detail", args=[cqc_import.pk])).content.decode()

    assert f'data-progress-url="/api/cqc/imports/{cqc_import.pk}/"' in html
    assert '<script src="/static/js/progress.js" defer></script>' in html
    assert "<progress" in html
    assert_csp_safe(html)


def test_a_failed_import_page_says_why(client, commissioner):
    client.force_login(commissioner)
    client.post(reverse("cqc-import-new"), {"file": SimpleUploadedFile("x.ods", b"%PDF-1.4")})
    failed = CQCImport.objects.get()
    assert failed.status == ImportStatus.FAILED

    html = client.get(reverse("cqc-import-detail", args=[failed.pk])).content.decode()

    assert "The file could not be imported, so nothing was changed" in html
    assert "is a PDF" in html


def test_the_imports_list_shows_counts(client, evaluator, imported):
    client.force_login(evaluator)

    html = client.get(reverse("cqc-imports")).content.decode()

    assert "scenario.csv" in html
    assert "Import a ratings file" not in html  # evaluators look, commissioners import


def test_the_lookup_page_shows_ratings_and_the_inadequate_rows(client, legal, imported):
    client.force_login(legal)

    response = client.get(reverse("cqc-lookup"), {"provider_id": "1-800000001"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Brookside Care Ltd" in html
    assert "Rated Inadequate on 1 row" in html
    assert "Brookside Homecare - Chorley (1-900000002)" in html
    assert "govuk-tag--red" in html
    assert_csp_safe(html)


def test_the_lookup_page_says_when_an_id_is_unknown(client, commissioner, imported):
    client.force_login(commissioner)

    assert "No CQC provider 1-111111111" in client.get(reverse("cqc-lookup"), {"provider_id": "1-111111111"}).content.decode()
    assert client.get(reverse("cqc-provider", args=["1-111111111"])).status_code == 404
    assert "Enter a CQC provider ID" in client.get(reverse("cqc-lookup"), {"provider_id": " "}).content.decode()


def test_providers_cannot_see_the_cqc_pages(client, bidder, imported):
    client.force_login(bidder)

    for url in (reverse("cqc-lookup"), reverse("cqc-imports"), reverse("cqc-import-detail", args=[imported.pk])):
        assert client.get(url).status_code == 403
