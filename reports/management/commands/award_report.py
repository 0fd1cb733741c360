"""`python manage.py award_report TENDER_REFERENCE --out PATH [--assessment-summaries DIR]`.

Generates the award report (and, with --assessment-summaries, each bidder's assessment
summary and its award/standstill or unsuccessful letter) through exactly the code the
Celery task runs (`reports.services.report_generate`): each document is recorded as a
GeneratedReport with its SHA-256, then copied to the path asked for. Prints each file's
SHA-256 and the evaluation fingerprint (context digest).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import DomainError
from providers.models import Provider
from reports.models import GeneratedReport, ReportKind, ReportStatus
from reports.pdf import sha256_hex
from reports.selectors import current_run
from reports.services import bidder_letter_kind, report_create_for_system, report_generate
from tenders.models import Tender


def _write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = (
        "Write a tender's award report PDF from its current evaluation run (the same code as the background "
        "task), and optionally every bidder's assessment summary and letter. Prints each file's SHA-256."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="Tender reference, e.g. LCC-REAB-2017")
        parser.add_argument("--out", help="Where to write the award report PDF")
        parser.add_argument(
            "--assessment-summaries", metavar="DIR",
            help="Also write each bidder's assessment summary and award/standstill or unsuccessful letter into DIR",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        out, summaries = options.get("out"), options.get("assessment_summaries")
        if not out and not summaries:
            raise CommandError("Say where to write: --out PATH for the award report, --assessment-summaries DIR, or both.")
        tender = Tender.objects.filter(reference=options["reference"]).first()
        if tender is None:
            raise CommandError(f"No tender with reference {options['reference']!r}.")
        run = current_run(tender=tender)
        if run is None:
            raise CommandError(f"{tender.reference} has not been evaluated yet: run `manage.py evaluate {tender.reference}`.")
        if out:
            report = self._generate(tender, ReportKind.AWARD_REPORT, None)
            self._copy(report, Path(out))
            self.stdout.write(f"Evaluation fingerprint (context digest): {report.context_digest}")
        if summaries:
            directory = Path(summaries)
            if directory.exists() and not directory.is_dir():
                raise CommandError(f"{directory} exists and is not a directory.")
            provider_ids = sorted({int(b["provider_id"]) for lot in run.results["lots"] for b in lot["bids"]})
            for provider in Provider.objects.filter(pk__in=provider_ids).order_by("name"):
                for kind in (ReportKind.ASSESSMENT_SUMMARY, bidder_letter_kind(tender=tender, provider=provider)):
                    report = self._generate(tender, kind, provider)
                    self._copy(report, directory / report.filename)

    def _generate(self, tender: Tender, kind: str, provider: Provider | None) -> GeneratedReport:
        try:
            report = report_create_for_system(tender=tender, kind=kind, provider=provider)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        report = report_generate(report_id=report.pk)
        if report is None or report.status != ReportStatus.DONE:
            error = report.error if report else "the report row disappeared"
            raise CommandError(f"{ReportKind(kind).label} failed: {error}")
        return report

    def _copy(self, report: GeneratedReport, path: Path) -> None:
        with report.file.open("rb") as fh:
            data = fh.read()
        if sha256_hex(data) != report.sha256:
            raise CommandError(f"the stored file of report {report.pk} does not match its recorded SHA-256")
        _write_atomically(path, data)
        self.stdout.write(f"{path}  sha256 {report.sha256}  ({len(data):,} bytes)")
