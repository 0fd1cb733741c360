"""Who may generate and download award reports: commissioners and legal; every other role is refused.

Pages: anonymous users are sent to sign in (302), other roles get 403. API: 403 with {detail, code}.
Also: the reports page (buttons, progress polled by a static script, download links) and the API.
"""
from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from reports import services
from reports.models import GeneratedReport, ReportKind, ReportStatus
from tests.factories import UserFactory
from tests.reports.helpers import ALPHA, CHARLIE, evaluated_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(commissioner, evaluator, moderator):
    return evaluated_tender(commissioner, evaluator, moderator)


@pytest.fixture
def done(tender, legal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(tender=tender, kind=ReportKind.EVALUATION_MATRIX_CSV, user=legal)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    return report


@pytest.fixture
def users(commissioner, legal, evaluator, moderator, bidder):
    admin = UserFactory(username="ada", role=Role.ADMIN)
    return {"commissioner": commissioner, "legal": legal, "provider": bidder, "evaluator": evaluator,
            "moderator": moderator, "admin": admin}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def assert_csp_clean(html: str) -> None:
    assert 'style="' not in html
    assert not re.search(r"\son[a-z]+=", html)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag


ALLOWED = {"commissioner", "legal"}
REFUSED = {"provider", "evaluator", "moderator", "admin"}


def test_download_page_per_role(done, users):
    url = reverse("reports-download", args=[done.pk])
    for role in ALLOWED:
        response = client_for(users[role]).get(url)
        assert response.status_code == 200, role
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == done.sha256 == response["X-Content-SHA256"]
        assert response["Content-Disposition"] == f'attachment; filename="{done.filename}"'
        assert response["Content-Type"] == "text/csv; charset=utf-8"
    for role in REFUSED:
        assert client_for(users[role]).get(url).status_code == 403, role
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_download_api_per_role(done, users, api):
    url = reverse("api-report-download", args=[done.pk])
    for role in ALLOWED:
        api.force_authenticate(users[role])
        response = api.get(url)
        assert response.status_code == 200, role
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == done.sha256
        assert response["Content-Disposition"].startswith("attachment;")
    for role in REFUSED:
        api.force_authenticate(users[role])
        response = api.get(url)
        assert response.status_code == 403, role
        assert response.json()["detail"] == "Award reports are for commissioners and the legal team."
    api.force_authenticate(None)
    assert api.get(url).status_code in (401, 403)


def test_the_status_api_and_reports_page_per_role(done, tender, users, api):
    for role in ALLOWED:
        api.force_authenticate(users[role])
        assert api.get(reverse("api-report", args=[done.pk])).status_code == 200
        assert client_for(users[role]).get(reverse("reports-tender", args=[tender.reference])).status_code == 200
        assert client_for(users[role]).get(reverse("reports-index")).status_code == 200
    for role in REFUSED:
        api.force_authenticate(users[role])
        assert api.get(reverse("api-report", args=[done.pk])).status_code == 403
        assert api.get(reverse("api-tender-reports", args=[tender.reference])).status_code == 403
        assert api.post(reverse("api-tender-reports", args=[tender.reference]), {"kind": "award_report"},
                        format="json").status_code == 403
        client = client_for(users[role])
        assert client.get(reverse("reports-tender", args=[tender.reference])).status_code == 403
        assert client.post(reverse("reports-tender", args=[tender.reference]), {"kind": "award_report"}).status_code == 403
        assert client.get(reverse("reports-index")).status_code == 403
    assert Client().get(reverse("reports-tender", args=[tender.reference])).status_code == 302
    assert GeneratedReport.objects.count() == 1


def test_a_commissioner_generates_the_award_report_from_the_page_and_downloads_it(
    tender, commissioner, django_capture_on_commit_callbacks
):
    client = client_for(commissioner)
    url = reverse("reports-tender", args=[tender.reference])
    page = client.get(url)
    html = page.content.decode()
    assert "Generate the award report" in html and "Evaluation matrix (XLSX)" in html
    assert ALPHA in html and "Award and standstill letter" in html and "Unsuccessful letter" in html
    assert_csp_clean(html)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "award_report"})
    assert response.status_code == 302 and response["Location"] == url
    report = GeneratedReport.objects.get()
    assert report.status == ReportStatus.DONE and report.requested_by == commissioner
    html = client.get(url).content.decode()
    assert report.sha256 in html and reverse("reports-download", args=[report.pk]) in html
    assert "js/progress.js" not in html  # nothing left to poll
    download = client.get(reverse("reports-download", args=[report.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_letter_button_picks_the_right_letter(tender, legal, django_capture_on_commit_callbacks):
    client = client_for(legal)
    providers = {b.provider.name: b.provider for b in tender.bids.select_related("provider")}
    url = reverse("reports-tender", args=[tender.reference])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"kind": "bidder_letter", "provider": providers[ALPHA].pk})
        client.post(url, {"kind": "bidder_letter", "provider": providers[CHARLIE].pk})
    kinds = dict(GeneratedReport.objects.values_list("provider__name", "kind"))
    assert kinds == {ALPHA: ReportKind.STANDSTILL_LETTER, CHARLIE: ReportKind.UNSUCCESSFUL_LETTER}


def test_a_queued_report_shows_progress_polled_by_a_static_script_and_no_download(tender, legal):
    report = services.report_request(tender=tender, kind=ReportKind.AWARD_REPORT, user=legal)  # not run: no commit
    GeneratedReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, progress_done=3, progress_total=5, progress_label="Lot 2 of 2: Zone"
    )
    html = client_for(legal).get(reverse("reports-tender", args=[tender.reference])).content.decode()
    assert f'data-progress-url="{reverse("api-report", args=[report.pk])}"' in html
    assert "Lot 2 of 2: Zone (3 of 5)" in html and "js/progress.js" in html
    assert reverse("reports-download", args=[report.pk]) not in html
    assert_csp_clean(html)
    assert client_for(legal).get(reverse("reports-download", args=[report.pk])).status_code == 404


def test_a_failed_report_shows_failed_with_its_error_and_no_download(tender, legal, api):
    report = services.report_request(tender=tender, kind=ReportKind.AWARD_REPORT, user=legal)
    services.report_fail(report_id=report.pk, message="WeasyPrint could not lay out page 7")
    html = client_for(legal).get(reverse("reports-tender", args=[tender.reference])).content.decode()
    assert "Failed" in html and "WeasyPrint could not lay out page 7" in html
    assert reverse("reports-download", args=[report.pk]) not in html
    api.force_authenticate(legal)
    data = api.get(reverse("api-report", args=[report.pk])).json()
    assert data["status"] == "failed" and data["error"] == "WeasyPrint could not lay out page 7"
    assert data["download_url"] is None
    response = api.get(reverse("api-report-download", args=[report.pk]))
    assert response.status_code == 404 and "failed: there is no file" in response.json()["detail"]


def test_the_api_queues_reports_and_reports_progress(tender, commissioner, api, django_capture_on_commit_callbacks):
    api.force_authenticate(commissioner)
    url = reverse("api-tender-reports", args=[tender.reference])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url, {"kind": "evaluation_matrix_xlsx"}, format="json")
    assert response.status_code == 202
    data = response.json()
    assert response["Location"].endswith(reverse("api-report", args=[data["id"]]))
    status = api.get(reverse("api-report", args=[data["id"]])).json()
    assert status["status"] == "done" and status["progress"]["percent"] == 100
    assert len(status["sha256"]) == 64 and status["download_url"] == reverse("api-report-download", args=[data["id"]])
    assert status["filename"] == f"{tender.reference}-evaluation-matrix.xlsx"
    assert [r["id"] for r in api.get(url).json()["results"]] == [data["id"]]


def test_the_api_refuses_bad_requests_with_a_clear_400(tender, legal, api):
    api.force_authenticate(legal)
    url = reverse("api-tender-reports", args=[tender.reference])
    cases = [
        ({"kind": "everything"}, "kind:"),
        ({}, "kind:"),
        ({"kind": "assessment_summary"}, "choose the provider"),
        ({"kind": "assessment_summary", "provider": 999999}, "no provider 999999"),
        ({"kind": "assessment_summary", "provider": "x"}, "provider:"),
        ({"kind": "award_report", "provider": 2**40}, "provider:"),
    ]
    for body, message in cases:
        response = api.post(url, body, format="json")
        assert response.status_code == 400, body
        assert message in response.json()["detail"], (body, response.json())
    assert api.post(reverse("api-tender-reports", args=["NOPE"]), {"kind": "award_report"},
                    format="json").status_code == 404
    assert api.get(reverse("api-report", args=[2**70])).status_code == 404
    assert not GeneratedReport.objects.exists()
