"""Named personas, as healthchecks does: a commissioner, two bidders, an evaluator, an outsider."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import ProviderFactory, UserFactory


@pytest.fixture
def commissioner(db):
    return UserFactory(username="carol", role=Role.COMMISSIONER)


@pytest.fixture
def second_commissioner(db):
    return UserFactory(username="colin", role=Role.COMMISSIONER)


@pytest.fixture
def bidder(db):
    return UserFactory(username="alice", role=Role.PROVIDER, provider=ProviderFactory(name="Alice Care Ltd"))


@pytest.fixture
def rival_bidder(db):
    return UserFactory(username="bob", role=Role.PROVIDER, provider=ProviderFactory(name="Bob Homecare Ltd"))


@pytest.fixture
def evaluator(db):
    return UserFactory(username="erin", role=Role.EVALUATOR)


@pytest.fixture
def moderator(db):
    return UserFactory(username="morag", role=Role.MODERATOR)


@pytest.fixture
def legal(db):
    return UserFactory(username="lena", role=Role.LEGAL)


@pytest.fixture
def outsider(db):
    return UserFactory(username="oscar", role=Role.PROVIDER, provider=ProviderFactory(name="Outsider Ltd"))


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(api):
    def login(user):
        api.force_authenticate(user=user)
        return api

    return login


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with empty throttle counters (accounts/throttling.py counts in the cache)."""
    from django.core.cache import cache

    cache.clear()
    yield


# The PostgreSQL pass of .ci/run runs what can behave differently on another database: the tests that use one.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "django_db_reset_sequences", "live_server"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only", action="store_true",
        help="run only the tests that use the database (.ci/run's PostgreSQL pass); the others already ran on SQLite",
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    keep, drop = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (keep if uses_database else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
