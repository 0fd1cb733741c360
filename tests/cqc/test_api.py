"""/api/cqc/: provider lookup for the commissioning side, uploads and import status for commissioners."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cqc.models import CQCImport, CQCLocation, ImportStatus
from cqc.services import cqc_import_file
from tests.cqc.conftest import FIXTURES

pytestmark = pytest.mark.django_db

BROOKSIDE = "1-800000001"  # Preston all Good, Chorley Safe Inadequate


@pytest.fixture
def imported():
    return cqc_import_file(path_or_file=FIXTURES / "scenario.csv")


def upload(name="ratings.csv", data=None):
    return SimpleUploadedFile(name, FIXTURES.joinpath("scenario.csv").read_bytes() if data is None else data)


def test_it_answers_a_providers_locations_with_ratings_per_key_question_and_service(api_as, commissioner, imported):
    response = api_as(commissioner).get(f"/api/cqc/providers/{BROOKSIDE}/")

    assert response.status_code == 200
    body = response.json()
    assert body["cqc_provider_id"] == BROOKSIDE
    assert body["provider_name"] == "Brookside Care Ltd"
    assert [loc["location_id"] for loc in body["locations"]] == ["1-900000001", "1-900000002"]
    chorley = body["locations"][1]
    assert chorley["key_questions"] == {
        "safe": "Inadequate", "effective": "Requires improvement", "caring": "Requires improvement",
        "responsive": "Requires improvement", "well_led": "Requires improvement",
    }
    assert chorley["overall_rating"] == "Requires improvement"
    assert chorley["services"][0]["service_group"] == "Overall"
    assert chorley["services"][0]["ratings"]["safe"] == "Inadequate"
    assert chorley["postcode"] == "PR7 1DP" and chorley["local_authority"] == "Lancashire"
    assert chorley["publication_date"] == "2023-05-02"
    assert body["data_as_of"]["id"] == imported.pk


def test_has_inadequate_comes_with_the_rows_that_make_it_so(api_as, commissioner, imported):
    body = api_as(commissioner).get(f"/api/cqc/providers/{BROOKSIDE}/").json()

    assert body["has_inadequate"] is True
    assert body["inadequate_rows"] == [{
        "location_id": "1-900000002", "location_name": "Brookside Homecare - Chorley", "service_group": "Overall",
        "domain": "Safe", "rating": "Inadequate", "publication_date": "2023-05-02",
    }]


def test_per_service_ratings_are_listed_for_a_multi_service_location(api_as, legal, imported):
    body = api_as(legal).get("/api/cqc/providers/1-800000002/").json()

    (fernlea,) = body["locations"]
    assert [s["service_group"] for s in fernlea["services"]] == [
        "Overall", "Homecare agencies", "Supported living service",
    ]
    assert fernlea["services"][2]["ratings"]["well_led"] == "Inadequate"
    assert body["inadequate_rows"][0]["service_group"] == "Supported living service"


def test_a_provider_with_no_inadequate_row_says_false(api_as, evaluator, imported):
    body = api_as(evaluator).get("/api/cqc/providers/1-800000004/").json()

    assert body["has_inadequate"] is False
    assert body["inadequate_rows"] == []
    assert body["unrated_location_ids"] == ["1-900000007"]


def test_an_unknown_provider_id_answers_404(api_as, commissioner, imported):
    response = api_as(commissioner).get("/api/cqc/providers/1-123456789/")

    assert response.status_code == 404
    assert "No CQC provider '1-123456789'" in response.json()["detail"]


def test_providers_may_not_look_up_cqc_data(api_as, bidder, imported):
    response = api_as(bidder).get(f"/api/cqc/providers/{BROOKSIDE}/")

    assert response.status_code == 403
    assert "commissioning side" in response.json()["detail"]


def test_anonymous_users_are_refused(api, imported):
    assert api.get(f"/api/cqc/providers/{BROOKSIDE}/").status_code in (401, 403)


def test_a_commissioner_uploads_a_small_file_and_it_is_imported_at_once(api_as, commissioner):
    response = api_as(commissioner).post("/api/cqc/imports/", {"file": upload()}, format="multipart")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "done"
    assert body["counts"] == {"new": 12, "updated": 0, "unchanged": 0, "rejected": 0}
    assert body["progress"] == {"done": 12, "total": 12, "percent": 100}
    assert response["Location"].endswith(f"/api/cqc/imports/{body['id']}/")


def test_a_large_upload_is_queued_and_its_status_can_be_polled(api_as, commissioner, settings,
                                                               django_capture_on_commit_callbacks):
    settings.CQC_IMPORT_INLINE_MAX_BYTES = 1000
    client = api_as(commissioner)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/api/cqc/imports/", {"file": upload()}, format="multipart")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    import_id = response.json()["id"]
    assert len(callbacks) == 1

    callbacks[0]()  # the worker picks the import up (eager Celery)
    status = client.get(f"/api/cqc/imports/{import_id}/").json()

    assert status["status"] == "done"
    assert status["progress"]["done"] == status["progress"]["total"] == 12
    assert status["counts"]["new"] == 12


def test_a_bad_upload_answers_400_naming_the_problem_and_imports_nothing(api_as, commissioner):
    response = api_as(commissioner).post(
        "/api/cqc/imports/", {"file": upload("ratings.ods", b"%PDF-1.4 not a spreadsheet")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "'ratings.ods' is a PDF, not a spreadsheet or CSV file",
                               "code": "CQCImportError", "field": "file"}
    assert not CQCLocation.objects.exists()
    assert CQCImport.objects.get().status == ImportStatus.FAILED


def test_an_upload_without_a_file_answers_400(api_as, commissioner):
    response = api_as(commissioner).post("/api/cqc/imports/", {}, format="multipart")

    assert response.status_code == 400
    assert response.json()["field"] == "file"


def test_only_commissioners_and_admins_may_upload(api_as, evaluator, bidder):
    for user in (evaluator, bidder):
        response = api_as(user).post("/api/cqc/imports/", {"file": upload()}, format="multipart")
        assert response.status_code == 403
    assert not CQCImport.objects.exists()


def test_import_status_is_for_the_commissioning_side(api_as, bidder, evaluator, imported):
    assert api_as(evaluator).get(f"/api/cqc/imports/{imported.pk}/").status_code == 200
    assert api_as(bidder).get(f"/api/cqc/imports/{imported.pk}/").status_code == 403
    assert api_as(evaluator).get("/api/cqc/imports/99999/").status_code == 404
    assert [i["id"] for i in api_as(evaluator).get("/api/cqc/imports/").json()["results"]] == [imported.pk]
