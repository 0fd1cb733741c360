"""UK time, named once (pure: no Django).

Deadlines are stored and compared in UTC (USE_TZ); people read and type times in UK civil time,
GMT in winter and BST in summer. Everything that shows or reads a UK time uses this zone, and
settings.TIME_ZONE is its name.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

UK_TZ = ZoneInfo("Europe/London")


def uk_minute_text(moment: datetime) -> str:
    """An aware moment as people read it in messages: "14:30 on 3 March 2027", UK time."""
    return moment.astimezone(UK_TZ).strftime("%H:%M on %-d %B %Y")


def uk_second_text(moment: datetime) -> str:
    """`uk_minute_text` to the second, where the second matters: "14:30:05 on 3 March 2027", UK time."""
    return moment.astimezone(UK_TZ).strftime("%H:%M:%S on %-d %B %Y")
