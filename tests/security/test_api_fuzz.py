"""Hostile input: schemathesis fuzzes every operation of our own OpenAPI schema, in process (no network).

The property is that nothing answers 5xx. Here, random cases (schemathesis' fuzzing and examples phases, a few
per operation) go to every operation as every demo role. The boundary cases (its coverage phase) are in
test_api_boundaries.py. About half the cases carry real path parameters from the demo (a tender's or bid's
reference, a preset's slug, a provider's id...) so the fuzz reaches the code behind the 404s.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.security.fuzz_support import ROLES, SCHEMA_PATH, with_real_path_parameters

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))

schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())
schema.config.phases.coverage.enabled = False  # test_api_boundaries.py


@pytest.mark.fuzz
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.django_db
def test_no_operation_answers_a_server_error(case, role, fuzz_demo):
    keys, real = fuzz_demo
    with_real_path_parameters(case, real)
    case.call_and_validate(headers={"Authorization": f"Token {keys[role]}"}, checks=[not_a_server_error])
