"""UK time, named once (pure: no Django).

Deadlines are stored and compared in UTC (USE_TZ); people read and type times in UK civil time,
GMT in winter and BST in summer. Everything that shows or reads a UK time uses this zone, and
settings.TIME_ZONE is its name.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

UK_TZ = ZoneInfo("Europe/London")
