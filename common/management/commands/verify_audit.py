from django.core.management.base import BaseCommand, CommandError

from common.audit import audit_verify


class Command(BaseCommand):
    help = (
        "Seal pending audit entries, verify the keyed hash chain and every anchor (the chain head each "
        "generated report recorded); exits non-zero at the first problem."
    )

    def handle(self, *args, **options):
        report = audit_verify()
        if report.ok:
            self.stdout.write(
                f"OK: {report.checked} audit entries verified; {report.anchors} anchor"
                f"{'' if report.anchors == 1 else 's'} match."
            )
            return
        where = f"entry #{report.broken_sequence}" if report.broken_sequence is not None else "the trail"
        raise CommandError(f"BROKEN at {where}: {report.problem} ({report.checked} entries verified before it).")
