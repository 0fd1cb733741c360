"""Django's `changepassword`, with the change recorded in the audit trail (never the password itself)."""
from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.management.commands import changepassword

from accounts.models import User
from accounts.services import user_changed_at_the_command_line


class Command(changepassword.Command):
    def handle(self, *args: Any, **options: Any) -> str:
        message: str = super().handle(*args, **options)  # a CommandError (nothing changed) never gets here
        username = options.get("username") or getpass.getuser()
        user = User.objects.using(options.get("database") or "default").get(**{User.USERNAME_FIELD: username})
        user_changed_at_the_command_line(user=user, command="changepassword")
        return message
