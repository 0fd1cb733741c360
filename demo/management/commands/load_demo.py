from django.core.management.base import BaseCommand

from demo.lancashire import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the Lancashire demo (zones, tenders, fictional providers, demo users). Idempotent."

    def handle(self, *args, **options):
        counts = load_demo()
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Lancashire demo loaded: {summary}."))
        self.stdout.write(f"Demo users (local only) share the password '{DEMO_PASSWORD}'.")
