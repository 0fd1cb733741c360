"""The award sequence under the Procurement Act 2023 as one ordered table (pure, no ORM).

    award decision
      -> assessment summaries issued to every assessed supplier   (s.50(3), reg 31)
      -> contract award notice published on Find a Tender (UK6)  (s.50(1))
      -> standstill: 8 working days beginning with that day      (s.51; voluntary for light touch)
      -> contract entered into                                    (after the standstill ends)
      -> contract details notice published (UK7)                  (s.53: 30 days, 120 for light touch)

Each step may be taken only when it is the next one; `refusal` words why not (the API
answers 409 with it).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AwardStep(StrEnum):
    DECIDE = "decide"
    ISSUE_SUMMARIES = "issue_summaries"
    RECORD_AWARD_NOTICE = "record_award_notice"
    ENTER_CONTRACT = "enter_contract"
    RECORD_DETAILS_NOTICE = "record_details_notice"
    COMPLETE = "complete"


ORDER: tuple[AwardStep, ...] = tuple(AwardStep)

# What each step is, as a sentence fragment: "first <label>" / "<label> is already done".
LABELS: dict[AwardStep, str] = {
    AwardStep.DECIDE: "record the award decision",
    AwardStep.ISSUE_SUMMARIES: "issue the assessment summaries to every assessed bidder",
    AwardStep.RECORD_AWARD_NOTICE: "record the publication of the contract award notice",
    AwardStep.ENTER_CONTRACT: "record that the contract has been entered into",
    AwardStep.RECORD_DETAILS_NOTICE: "record the publication of the contract details notice",
    AwardStep.COMPLETE: "nothing: the award sequence is complete",
}

DONE_LABELS: dict[AwardStep, str] = {
    AwardStep.DECIDE: "The award decision has already been recorded",
    AwardStep.ISSUE_SUMMARIES: "The assessment summaries have already been issued",
    AwardStep.RECORD_AWARD_NOTICE: "The contract award notice has already been recorded",
    AwardStep.ENTER_CONTRACT: "The contract has already been entered into",
    AwardStep.RECORD_DETAILS_NOTICE: "The contract details notice has already been recorded",
}


@dataclass(frozen=True)
class AwardState:
    """Which events of the sequence have been recorded."""

    decided: bool = False
    summaries_issued: bool = False
    award_notice_published: bool = False
    contracted: bool = False
    details_notice_published: bool = False


def next_step(state: AwardState) -> AwardStep:
    """The one step that may be taken now."""
    done = (
        state.decided, state.summaries_issued, state.award_notice_published, state.contracted,
        state.details_notice_published,
    )  # fmt: skip
    for step, is_done in zip(ORDER, done, strict=False):
        if not is_done:
            return step
    return AwardStep.COMPLETE


def refusal(state: AwardState, wanted: AwardStep) -> str | None:
    """None if `wanted` is the next step, else why it cannot be taken now."""
    step = next_step(state)
    if step == wanted:
        return None
    if ORDER.index(wanted) < ORDER.index(step):
        return f"{DONE_LABELS[wanted]}; it cannot be recorded twice. Next: {LABELS[step]}."
    return f"Not yet: first {LABELS[step]}."
