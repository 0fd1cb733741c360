"""Users and their role in the procurement."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from rest_framework.authtoken.models import Token


class Role(models.TextChoices):
    COMMISSIONER = "commissioner", "Commissioner"
    PROVIDER = "provider", "Provider user"
    EVALUATOR = "evaluator", "Evaluator"
    MODERATOR = "moderator", "Moderator"
    LEGAL = "legal", "Legal"
    ADMIN = "admin", "Administrator"


COMMISSIONING_SIDE = frozenset({Role.COMMISSIONER, Role.EVALUATOR, Role.MODERATOR, Role.LEGAL, Role.ADMIN})


class UserManager(DjangoUserManager):
    def create_superuser(self, username: str, email: str | None = None, password: str | None = None,
                         **extra_fields: Any) -> User:
        """A superuser is the IT administrator: role `admin`, no provider (`createsuperuser` on a fresh install)."""
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PROVIDER)
    provider = models.ForeignKey(
        "providers.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="The organisation a provider user acts for.",
    )

    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="provider_user_has_provider",
                condition=Q(role="provider", provider__isnull=False) | ~Q(role="provider"),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.PROVIDER and self.provider_id is None:
            raise ValidationError({"provider": "A provider user must be linked to the organisation they act for."})
        if self.role != Role.PROVIDER and self.provider_id is not None:
            raise ValidationError({"provider": "Only provider users are linked to a provider organisation."})

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.role in roles

    @property
    def is_commissioning_side(self) -> bool:
        return self.role in COMMISSIONING_SIDE


class ApiToken(Token):
    """DRF's token as the admin shows it: never the key in clear (its str() is a 6-character prefix)."""

    class Meta:
        proxy = True
        verbose_name = "API token"

    @property
    def pk(self) -> int:  # type: ignore[override]
        # The key is the primary key; the admin's links and log use the user's id instead (as DRF's TokenProxy).
        return self.user_id

    def __str__(self) -> str:
        return f"{self.key[:6]}… ({self.user})"
