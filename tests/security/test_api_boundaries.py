"""Hostile input at the edges: schemathesis' coverage phase over every operation of our OpenAPI schema.

Values at and beyond each limit, missing and wrong-typed fields, other methods: dozens to hundreds of cases per
operation. Each case goes to the demo roles in turn until one is let in (an answer other than 401 or 403), so it
reaches the code behind the permission check of whichever role the operation is for; the refusals on the way
are checked too. Sending every case as all six roles cost most of the suite's time and only repeated refusals.
The property, as in test_api_fuzz.py: nothing answers 5xx.
"""
from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.security.fuzz_support import ROLES, SCHEMA_PATH, with_real_path_parameters

boundaries = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())
boundaries.config.phases.examples.enabled = False
boundaries.config.phases.fuzzing.enabled = False
REFUSED = (401, 403)  # the role is not let in: the next role gets the same case


@pytest.mark.fuzz
# One parameter, so that each operation's test has its own node id (pytest 9 gives a schemathesis test without
# a callspec only the function's name, and pytest-xdist would run one of the 77 and drop the rest).
@pytest.mark.parametrize("roles", [ROLES], ids=["roles in turn"])
@boundaries.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.django_db
def test_no_boundary_case_answers_a_server_error(case, roles, fuzz_demo):
    keys, real = fuzz_demo
    with_real_path_parameters(case, real)
    for role in roles:
        response = case.call(headers={"Authorization": f"Token {keys[role]}"})
        case.validate_response(response, checks=[not_a_server_error])  # raises on a 5xx
        if response.status_code not in REFUSED:
            break
