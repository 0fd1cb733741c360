"""python manage.py import_cqc PATH: import CQC's "care directory with ratings" (.ods, .xlsx or .csv)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from common.errors import DomainError
from cqc.services import cqc_import_file


class Command(BaseCommand):
    help = (
        "Import CQC's 'care directory with ratings' file (the monthly .ods, or it saved as .xlsx or .csv). "
        "Re-importing updates changed locations and reports new, updated, unchanged and rejected counts. "
        "A file that cannot be read changes nothing and exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the ratings file, e.g. 01_September_2026_Latest_ratings.ods")
        parser.add_argument("--user", help="username recorded in the audit trail (default: system)")
        parser.add_argument("--show-rejected", type=int, default=50, metavar="N",
                            help="list at most N rejected rows (default 50; 0 lists none)")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user called {options['user']!r}")
        try:
            result = cqc_import_file(path_or_file=options["path"], user=user)
        except DomainError as exc:  # a bad file, or a user who may not import
            raise CommandError(f"CQC import failed, nothing was changed: {exc.message}") from None
        where = f", sheet '{result.sheet_name}'" if result.sheet_name else ""
        self.stdout.write(self.style.SUCCESS(
            f"Imported '{result.filename}' (import {result.pk}{where}): {result.rows_read} rows, "
            f"{result.progress_total} locations."
        ))
        self.stdout.write(f"  new:       {result.count_new}")
        self.stdout.write(f"  updated:   {result.count_updated}")
        self.stdout.write(f"  unchanged: {result.count_unchanged}")
        self.stdout.write(f"  rejected:  {result.count_rejected} rows")
        limit = max(0, options["show_rejected"])
        shown = result.rejected_reasons[:limit]
        if shown:
            self.stdout.write("Rejected rows:")
            for item in shown:
                where = f"row {item['row']}" if item["row"] else "location"
                self.stdout.write(f"  {where}: {item['reason']}")
            if result.count_rejected > len(shown):
                self.stdout.write(f"  ... and {result.count_rejected - len(shown)} more")
