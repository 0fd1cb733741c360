"""One access policy (issue 13): pages, API views and the CQC import ask accounts.permissions; none
compares a user's role itself. A scan of the interface modules, so a new inline check fails here."""
from __future__ import annotations

import re
from pathlib import Path

from accounts import permissions
from accounts.models import Role
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
# user.role compared, user.has_role(...), the model's user.is_commissioning_side property, Role.X == ...
INLINE = re.compile(
    r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\.has_role\(|(?<!permissions)(?<!policy)\.is_commissioning_side\b(?!\()"
    r"|Role\.[A-Z_]+\s*(==|!=)"
)


def _interface_modules() -> list[Path]:
    apps = ("accounts", "cqc", "evaluation", "pricing", "providers", "reports", "tenders", "zones", "common")
    found = []
    for app in apps:
        for path in (ROOT / app).rglob("*.py"):
            name = path.name
            if "views" in name or "api" in path.parts or name in ("decorators.py", "navigation.py", "page_support.py"):
                found.append(path)
    found.append(ROOT / "cqc" / "services.py")
    return found


def test_no_page_or_api_view_checks_a_role_itself():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _interface_modules()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if INLINE.search(line)
    ]
    assert offenders == []


def test_the_scan_sees_the_modules_it_was_written_for():
    names = {str(p.relative_to(ROOT)) for p in _interface_modules()}
    assert {"tenders/page_support.py", "tenders/portal_views.py", "cqc/services.py"} <= names


def test_cqc_import_is_for_commissioners_and_the_it_admin(db):
    from cqc.services import can_import

    assert can_import(UserFactory(role=Role.COMMISSIONER)) and can_import(UserFactory(role=Role.ADMIN))
    assert not can_import(UserFactory(role=Role.EVALUATOR)) and not can_import(UserFactory(role=Role.LEGAL))
    assert permissions.can_import_cqc_data is not None
