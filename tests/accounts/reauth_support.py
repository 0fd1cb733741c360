"""A client signed in some minutes ago: how the re-authentication tests set the age of a sign-in."""
from __future__ import annotations

import time
from typing import Any

from django.test import Client

from accounts.reauth import SESSION_KEY


def signed_in(user: Any, *, minutes_ago: int, client_class: type = Client) -> Any:
    client = client_class()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = time.time() - minutes_ago * 60
    session.save()
    return client
