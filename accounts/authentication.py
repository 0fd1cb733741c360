"""`Authorization: Token <key>` checked against the stored digest (accounts/tokens.py), never a key in clear."""
from __future__ import annotations

from typing import Any

from rest_framework.authentication import TokenAuthentication

from accounts.tokens import stored_form


class DigestTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, looking up the digest of the presented key (a stolen stored value is no key)."""

    def authenticate_credentials(self, key: str) -> Any:
        return super().authenticate_credentials(stored_form(key))
