"""`python manage.py standstill YYYY-MM-DD [--working-days N]`.

Prints the standstill period for a contract award notice published on that day (Procurement
Act 2023 s.51, working days per s.123: weekends, Christmas Day, Good Friday and bank holidays
in any part of the UK excluded). The last line is the last day of the standstill, as an ISO
date, so a script can read it with `tail -n 1`.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenders.standstill import STANDSTILL_WORKING_DAYS, earliest_entry_date, standstill_end


class Command(BaseCommand):
    help = "Print the last day of the standstill for a contract award notice published on the given day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("published", help="Day the contract award notice is published, YYYY-MM-DD (UK calendar).")
        parser.add_argument(
            "--working-days", type=int, default=STANDSTILL_WORKING_DAYS,
            help="Length of the standstill in working days (s.51: 8).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            published = date.fromisoformat(options["published"])
        except ValueError:
            raise CommandError(f"{options['published']!r} is not a date in the form YYYY-MM-DD.") from None
        days = options["working_days"]
        if days < 1:
            raise CommandError("--working-days must be at least 1.")
        end = standstill_end(published, days)
        self.stdout.write(
            f"Contract award notice published {published:%A %-d %B %Y}: {days} working days beginning that day."
        )
        self.stdout.write(f"The contract may be entered into from {earliest_entry_date(published, days):%A %-d %B %Y}.")
        self.stdout.write(end.isoformat())
