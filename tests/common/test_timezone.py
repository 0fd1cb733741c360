"""UK time is named once (issue 18): common.timezone.UK_TZ, which settings.TIME_ZONE names too."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from common.timezone import UK_TZ

ROOT = Path(__file__).resolve().parents[2]


def test_settings_and_the_constant_agree():
    assert settings.TIME_ZONE == UK_TZ.key == "Europe/London"


def test_it_is_gmt_in_winter_and_bst_in_summer():
    assert datetime(2026, 1, 15, 12, tzinfo=UTC).astimezone(UK_TZ).hour == 12
    assert datetime(2026, 7, 15, 12, tzinfo=UTC).astimezone(UK_TZ).hour == 13


def test_no_other_module_builds_its_own_uk_zone():
    pattern = re.compile(r"""ZoneInfo\(\s*["']Europe/London["']\s*\)""")
    others = [
        str(path.relative_to(ROOT)) for path in ROOT.rglob("*.py")
        if not {".venv", "migrations"} & set(path.relative_to(ROOT).parts)
        and path != ROOT / "common" / "timezone.py" and path != Path(__file__)
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert others == [], "use common.timezone.UK_TZ"


def test_messages_name_a_moment_in_uk_time_to_the_minute():
    from common.timezone import uk_minute_text

    assert uk_minute_text(datetime(2027, 1, 15, 14, 30, tzinfo=UTC)) == "14:30 on 15 January 2027"
    assert uk_minute_text(datetime(2027, 7, 3, 14, 30, tzinfo=UTC)) == "15:30 on 3 July 2027"  # BST


def test_a_late_submission_is_named_to_the_second_in_uk_time():
    from common.timezone import uk_second_text

    assert uk_second_text(datetime(2027, 1, 15, 14, 30, 5, 999999, tzinfo=UTC)) == "14:30:05 on 15 January 2027"
    assert uk_second_text(datetime(2027, 7, 3, 23, 59, 59, tzinfo=UTC)) == "00:59:59 on 4 July 2027"  # BST
