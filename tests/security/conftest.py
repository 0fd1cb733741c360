"""Fixtures of the security tests."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts import services as account_services
from accounts.models import User
from demo.lancashire import load_demo
from tests.security.fuzz_support import ROLES, real_path_values


@pytest.fixture(scope="module")
def fuzz_demo(django_db_setup, django_db_blocker):
    """The demo, loaded once per fuzz module: (an API token per role, real path values); flushed afterwards."""
    with django_db_blocker.unblock():
        load_demo()
        keys = {}
        for role in ROLES:
            user = User.objects.get(username=role)
            keys[role] = account_services.user_token_issue(user=user, actor=user)
        real = real_path_values()
    yield keys, real
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", verbosity=0)


