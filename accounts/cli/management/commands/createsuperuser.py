"""Django's `createsuperuser`, with the new user recorded in the audit trail (the admin's own path is audited too)."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.management.commands import createsuperuser

from accounts.models import User
from accounts.services import user_changed_at_the_command_line


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        database = options.get("database") or "default"
        before = set(User.objects.using(database).values_list("pk", flat=True))
        super().handle(*args, **options)
        for user in User.objects.using(database).exclude(pk__in=before):
            user_changed_at_the_command_line(user=user, command="createsuperuser")
