"""Read paths for evaluation. The sealed-bid rules ask here whether an evaluator may read a bid."""
from __future__ import annotations

from typing import Any


def evaluator_may_read(*, user: Any, tender: Any, provider: Any) -> bool:
    """Whether an evaluator is assigned to this tender and has declared no conflict with this provider.

    Denies everything until evaluator assignments and conflict declarations exist (the evaluation work).
    """
    return False
