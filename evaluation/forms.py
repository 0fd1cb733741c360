"""Page forms for evaluation: they shape input; the services decide what is allowed."""
from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Role, User
from evaluation.models import PriceClarificationStatus


class AssignForm(forms.Form):
    member = forms.ModelChoiceField(
        queryset=User.objects.filter(role__in=[Role.EVALUATOR, Role.MODERATOR], is_active=True).order_by("username"),
        label="Panel member",
        empty_label="Choose an evaluator or moderator",
        error_messages={"required": "Choose who to add to the panel."},
    )


class ConflictForm(forms.Form):
    """One yes/no question and a details box per bidding provider."""

    def __init__(self, *args: Any, providers: list[Any], existing: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.providers = providers
        for provider in providers:
            current = existing.get(provider.pk)
            self.fields[f"conflict_{provider.pk}"] = forms.ChoiceField(
                choices=[("no", "No conflict of interest"), ("yes", "Yes, I have a conflict of interest")],
                widget=forms.RadioSelect,
                label=provider.name,
                initial=None if current is None else ("yes" if current.has_conflict else "no"),
                error_messages={"required": f"Say whether you have a conflict of interest with {provider.name}."},
            )
            self.fields[f"details_{provider.pk}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=f"Details of the conflict with {provider.name}",
                initial="" if current is None else current.details,
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"provider": p, "choice": self[f"conflict_{p.pk}"], "details": self[f"details_{p.pk}"]}
            for p in self.providers
        ]

    def declarations(self) -> list[dict[str, Any]]:
        return [
            {
                "provider": p.pk,
                "has_conflict": self.cleaned_data[f"conflict_{p.pk}"] == "yes",
                "details": self.cleaned_data.get(f"details_{p.pk}", ""),
            }
            for p in self.providers
        ]


class ScoreForm(forms.Form):
    """A score (0..max on the published scale) and a mandatory comment per question."""

    def __init__(self, *args: Any, questions: list[Any], existing: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            current = existing.get(q.pk)
            self.fields[f"score_{q.pk}"] = forms.TypedChoiceField(
                choices=[(str(n), str(n)) for n in range(q.max_score + 1)],
                coerce=int,
                widget=forms.RadioSelect,
                label=f"Score for question {q.number}",
                initial=None if current is None else str(current.score),
                error_messages={"required": f"Choose a score for question {q.number}."},
            )
            self.fields[f"comment_{q.pk}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                label=f"Why this score (question {q.number})",
                initial="" if current is None else current.comment,
                error_messages={"required": f"Explain your score for question {q.number}."},
            )

    def scores(self) -> list[dict[str, Any]]:
        return [
            {
                "question": q.number,
                "score": self.cleaned_data[f"score_{q.pk}"],
                "comment": self.cleaned_data[f"comment_{q.pk}"],
            }
            for q in self.questions
        ]


class ConsensusForm(forms.Form):
    score = forms.TypedChoiceField(choices=(), coerce=int, widget=forms.RadioSelect, label="Consensus score",
                                   error_messages={"required": "Choose the consensus score."})
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Rationale",
                                error_messages={"required": "Write the rationale for the consensus score."})
    # Procurement Regulations 2024 reg 31: the reasons the bidder reads, kept apart from the internal rationale.
    feedback_to_bidder = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Feedback to the bidder",
        error_messages={"required": "Write the feedback the bidder will read in its assessment summary."},
    )
    change_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                    label="Reason for changing a locked score")

    def __init__(self, *args: Any, max_score: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = [(str(n), str(n)) for n in range(max_score + 1)]


class ClarificationForm(forms.Form):
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="The bidder's explanation",
                                  error_messages={"required": "Record the bidder's explanation of the price."})
    decision = forms.ChoiceField(
        choices=[(PriceClarificationStatus.ACCEPTED, "Accept the price"), (PriceClarificationStatus.REJECTED, "Reject the price")],
        widget=forms.RadioSelect, label="Decision",
        error_messages={"required": "Choose whether to accept or reject the price."},
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason for the decision",
                             error_messages={"required": "Give the reason for the decision."})


class PriceQuestionForm(forms.Form):
    """Ask the bidder to explain a price, through the portal, by a deadline (UK time)."""

    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Question for the bidder",
                               error_messages={"required": "Write the question the bidder must answer."})
    reply_by = forms.DateTimeField(
        label="Reply by (UK time)", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "Give the date and time the bidder must reply by.",
                        "invalid": "Enter the reply deadline as a date and time, for example 2026-12-04 17:00."},
    )


class PriceDecisionForm(forms.Form):
    """Accept or reject an explanation the bidder gave in the portal."""

    decision = ClarificationForm.base_fields["decision"]
    reason = ClarificationForm.base_fields["reason"]


class PriceExplanationForm(forms.Form):
    """The bidder's answer in the portal: text, and a supporting document if it has one."""

    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), label="Your explanation",
        error_messages={"required": "Explain how your price meets its costs, including the legal minimum wage."},
    )
    document = forms.FileField(required=False, label="Supporting document (optional)")
