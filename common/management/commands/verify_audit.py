from django.core.management.base import BaseCommand, CommandError

from common.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero at the first broken entry."

    def handle(self, *args, **options):
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"OK: {report.checked} audit entries verified.")
            return
        raise CommandError(
            f"BROKEN at entry #{report.broken_sequence}: {report.problem} "
            f"({report.checked} entries verified before it)."
        )
