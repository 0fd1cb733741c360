"""`python manage.py evaluate TENDER_REFERENCE [--json]`: run (or re-run) a tender's evaluation and print it."""
from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from common.errors import DomainError
from evaluation import selectors, services
from tenders.models import Tender
from tenders.transitions import TenderStatus


class Command(BaseCommand):
    help = (
        "Run (or re-run) the evaluation of a tender whose bids are opened, quality locked and price envelope "
        "open, store it as the current run, and print the result per lot. An awarded tender's stored result "
        "is printed without re-running."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="Tender reference, e.g. LCC-REAB-2017")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON")
        parser.add_argument("--user", help="Run as this commissioner (default: the system)")

    def handle(self, *args: Any, **options: Any) -> None:
        tender = Tender.objects.filter(reference=options["reference"]).first()
        if tender is None:
            raise CommandError(f"No tender with reference {options['reference']!r}.")
        user = None
        if options.get("user"):
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user called {options['user']!r}.")
        if tender.status in (TenderStatus.AWARDED, TenderStatus.CONTRACTED):
            run = selectors.current_run(tender=tender)
            if run is None:
                raise CommandError(f"{tender.reference} is {tender.status_label.lower()} but has no stored evaluation.")
            self.stderr.write(f"{tender.reference} is {tender.status_label.lower()}: showing the stored run {run.number}.")
        else:
            try:
                run = services.evaluation_run(tender=tender, user=user)
            except DomainError as exc:
                raise CommandError(exc.message) from None
        results = run.results
        if options["json"]:
            body = {
                "tender": results["tender"],
                "run": run.number,
                "run_at": run.run_at.isoformat(),
                "inputs_digest": run.inputs_digest,
                "results_digest": run.results_digest,
                **{k: v for k, v in results.items() if k != "tender"},
            }
            self.stdout.write(json.dumps(body, indent=2, ensure_ascii=False))
            return
        self._print_text(run.number, results)

    def _print_text(self, number: int, results: dict[str, Any]) -> None:
        rules = results["rules"]
        self.stdout.write(
            f"{results['tender']}: {results['title']} (run {number}; {rules['quality_weight']}% quality, "
            f"{rules['price_weight']}% price, {rules['price_formula']})"
        )
        if results["provisional"]:
            self.stdout.write("PROVISIONAL: some abnormally low prices still wait for a decision.")
        for lot in results["lots"]:
            self.stdout.write("")
            self.stdout.write(f"Lot {lot['lot']}: {lot['zone']} ({lot['hours_per_week']} hours a week)")
            for bid in lot["bids"]:
                mark = "*" if bid["recommended"] else " "
                rank = f"{bid['rank']:>2}" if bid["rank"] else " -"
                scores = f"Q {bid['quality_score'] or '-':>6}  P {bid['price_score'] or '-':>6}  T {bid['total'] or '-':>6}"
                line = f" {mark}{rank}  {scores}  £{bid['hourly_price']:>6}  {bid['provider']}"
                if bid["status"] != "ranked":
                    line += f"  [{bid['status']}: {bid['reason']}]"
                elif bid.get("passed_over"):
                    line += f"  [passed over: {bid['passed_over']}]"
                self.stdout.write(line)
        awards = results["awards"]
        self.stdout.write("")
        self.stdout.write(
            f"Recommended (*): {awards['hours_per_week_covered']} hours a week covered, "
            f"{awards['hours_per_week_uncovered']} not covered."
        )
