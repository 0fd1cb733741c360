"""Print the cost-of-care breakdown for a preset, optionally in a zone and for one visit length."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import DomainError
from common.money import pennies
from pricing.cost_model import visit_minutes_error
from pricing.selectors import preset_cost_of_care, preset_get
from zones.models import Zone


def _gbp(value: Any) -> str:
    return f"£{pennies(value):,}"


class Command(BaseCommand):
    help = "Show the model minimum price per contact hour line by line, e.g. --preset 2020-21 --zone lancaster."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", required=True, help="Preset slug, e.g. 2020-21.")
        parser.add_argument("--zone", help="Zone code: use its travel and mileage (rurality or its own figures).")
        parser.add_argument("--visit-minutes", type=int, help="Price visits of this length (travel per visit fixed).")

    def handle(self, *args: Any, **options: Any) -> None:
        visit_minutes = options.get("visit_minutes")
        if visit_minutes is not None and (problem := visit_minutes_error(visit_minutes)) is not None:
            raise CommandError(f"--visit-minutes: {problem}.")
        try:
            preset = preset_get(slug=options["preset"])
            zone = None
            if options.get("zone"):
                zone = Zone.objects.filter(code=options["zone"]).first()
                if zone is None:
                    known = ", ".join(Zone.objects.order_by("code").values_list("code", flat=True))
                    raise CommandError(f"Unknown zone {options['zone']!r}. Known zones: {known or 'none'}.")
            breakdown = preset_cost_of_care(preset=preset, zone=zone, visit_minutes=visit_minutes)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

        where = f"{zone.name} ({zone.get_rurality_display().lower()})" if zone else "the preset's average pattern"
        visits = f", {visit_minutes}-minute visits" if visit_minutes else ""
        out = self.stdout
        day = preset.effective_from
        out.write(f"{preset.name} [{preset.slug}], from {day.day} {day:%B %Y}")
        out.write(
            f"{where}{visits}: {pennies(breakdown.travel_minutes_per_contact_hour).normalize():f} travel minutes and"
            f" {pennies(breakdown.miles_per_contact_hour).normalize():f} miles per contact hour"
        )
        out.write("")
        summary = breakdown.hca_summary()
        label_width = max(len(label) for label in [line.label for line in breakdown.lines] + [s[1] for s in summary]) + 2
        rule = "-" * (label_width + 12)
        out.write(f"{'Line':<{label_width}}{'£/hour':>10}  S  How")
        out.write(rule)
        for line in breakdown.lines:
            flag = "*" if line.statutory else " "
            out.write(f"{line.label:<{label_width}}{_gbp(line.amount):>10}  {flag}  {line.explanation}")
        out.write(rule)
        out.write(f"{'Statutory floor (lines marked *)':<{label_width}}{_gbp(breakdown.statutory_floor):>10}"
                  "  direct cost of employing care workers at the minimum wage")
        out.write(f"{'Legal minimum (narrower)':<{label_width}}{_gbp(breakdown.legal_minimum):>10}"
                  "  pay for contact, travel and training time, holiday, employer NI and pension")
        out.write(self.style.SUCCESS(f"{'Sustainable minimum (total)':<{label_width}}{_gbp(breakdown.total):>10}"))
        out.write("")
        out.write("As the Homecare Association publishes it:")
        for _key, label, amount in summary:
            out.write(f"{label:<{label_width}}{_gbp(amount):>10}")
