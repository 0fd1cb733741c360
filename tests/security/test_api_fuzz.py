"""Hostile input: schemathesis fuzzes every operation of our own OpenAPI schema, in process (no network).

Bounded: a few examples per operation and role. The property is that nothing answers 5xx.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from accounts.models import User
from demo.lancashire import load_demo

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# The widest reader and the most exposed writer; other roles mostly meet 403s, which the permission table covers.
ROLES = ("commissioner", "provider")

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()
        keys = {role: Token.objects.get_or_create(user=User.objects.get(username=role))[0].key for role in ROLES}
    yield keys
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", verbosity=0)


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
def test_no_operation_answers_a_server_error(case, role, tokens):
    case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=[not_a_server_error])
