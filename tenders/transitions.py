"""The tender lifecycle as one table (pure): which status may follow which."""
from __future__ import annotations

from enum import StrEnum


class TenderStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    OPENED = "opened"
    IN_EVALUATION = "in_evaluation"
    AWARDED = "awarded"
    CONTRACTED = "contracted"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    TenderStatus.DRAFT: "Draft",
    TenderStatus.PUBLISHED: "Published",
    TenderStatus.CLOSED: "Closed (deadline passed)",
    TenderStatus.OPENED: "Opened",
    TenderStatus.IN_EVALUATION: "In evaluation",
    TenderStatus.AWARDED: "Awarded (standstill)",
    TenderStatus.CONTRACTED: "Contracted",
    TenderStatus.CANCELLED: "Cancelled",
}

FINAL = frozenset({TenderStatus.CONTRACTED, TenderStatus.CANCELLED})

_FORWARD = {
    TenderStatus.DRAFT: TenderStatus.PUBLISHED,
    TenderStatus.PUBLISHED: TenderStatus.CLOSED,
    TenderStatus.CLOSED: TenderStatus.OPENED,
    TenderStatus.OPENED: TenderStatus.IN_EVALUATION,
    TenderStatus.IN_EVALUATION: TenderStatus.AWARDED,
    TenderStatus.AWARDED: TenderStatus.CONTRACTED,
}

ALLOWED: dict[TenderStatus, frozenset[TenderStatus]] = {
    status: frozenset(
        ({_FORWARD[status]} if status in _FORWARD else set())
        | ({TenderStatus.CANCELLED} if status not in FINAL else set())
    )
    for status in TenderStatus
}


def can_transition(current: str, target: str) -> bool:
    return TenderStatus(target) in ALLOWED[TenderStatus(current)]
