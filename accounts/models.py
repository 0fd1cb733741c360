"""Users and their role in the procurement."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    COMMISSIONER = "commissioner", "Commissioner"
    PROVIDER = "provider", "Provider user"
    EVALUATOR = "evaluator", "Evaluator"
    MODERATOR = "moderator", "Moderator"
    LEGAL = "legal", "Legal"
    ADMIN = "admin", "Administrator"


COMMISSIONING_SIDE = frozenset({Role.COMMISSIONER, Role.EVALUATOR, Role.MODERATOR, Role.LEGAL, Role.ADMIN})


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

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="provider_user_has_provider",
                condition=Q(role="provider", provider__isnull=False) | ~Q(role="provider"),
            ),
        ]

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.role in roles

    @property
    def is_commissioning_side(self) -> bool:
        return self.role in COMMISSIONING_SIDE
