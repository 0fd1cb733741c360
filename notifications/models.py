"""The notification record. It moved here from tenders (issue 18) and keeps its table, `tenders_notification`."""
from __future__ import annotations

from django.db import models


class NotificationKind(models.TextChoices):
    TENDER_PUBLISHED = "tender_published", "New tender published"
    AMENDMENT = "amendment", "Tender amended"
    CLARIFICATION = "clarification", "Clarification published"
    RECONFIRM = "reconfirm", "Bid needs re-confirmation"
    REGISTRATION = "registration", "Registration decision"
    AWARD_OUTCOME = "award_outcome", "Outcome of your tender"
    PRICE_CLARIFICATION = "price_clarification", "Explain a price"


class Notification(models.Model):
    """An in-app message to a provider organisation; every user of the organisation sees it."""

    # By name, not by import: this app sits below the apps that send notifications.
    provider = models.ForeignKey("providers.Provider", on_delete=models.CASCADE, related_name="notifications")
    tender = models.ForeignKey("tenders.Tender", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    message = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table the model had in tenders: moving the model moved no data (migrations 0001 here, tenders 0009).
        db_table = "tenders_notification"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["provider", "read_at"], name="notification_provider_unread")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.get_kind_display()}"
