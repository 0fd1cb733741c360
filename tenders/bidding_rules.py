"""Bid rules that need no database: declarations, word counts, price and CQC ID parsing, completeness.

Kept pure so the same rules serve the pages, the API and the submit service,
and so they can be tested without the ORM.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from common.money import pennies, quantize_score
from pricing.checks import PriceCheck, shown_figures

# The standard statements every bidder makes. Keys are stored in the bid (and so in the
# receipt digest); the wording is what the provider ticks.
DECLARATIONS: dict[str, str] = {
    "independent_prices": (
        "We arrived at our prices independently, without consulting or agreeing them with any other bidder."
    ),
    "no_canvassing": (
        "We have not canvassed, or offered any gift or inducement to, any councillor or officer of the council"
        " in connection with this tender."
    ),
    "exclusion_grounds": (
        "None of the exclusion grounds in the Procurement Act 2023 (Schedules 6 and 7) applies to our"
        " organisation, or we have told the council about any that does."
    ),
    "living_wage": (
        "We will pay every care worker at least the National Living Wage for all working time, including"
        " travel time between visits."
    ),
    "cqc_registration": (
        "We are registered with the Care Quality Commission for the regulated activity 'personal care', and the"
        " locations named in this bid will deliver the service."
    ),
    "true_and_complete": (
        "The information in this bid is true and complete, and we understand that it is a formal offer the"
        " council may accept."
    ),
}

CQC_LOCATION_ID = re.compile(r"^1-[0-9]{6,12}$")
MAX_PRICE = Decimal("99999.99")  # BidLotPrice.hourly_price has 7 digits, 2 decimal places
MAX_PACKAGE_PRICE = Decimal("9999999.99")
MAX_LOCATIONS = 50


class BidInputError(ValueError):
    """One field's input cannot be accepted; the message says how to fix it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters (GOV.UK character count does the same)."""
    return len(text.split())


def parse_price(raw: object, *, label: str = "price", maximum: Decimal = MAX_PRICE) -> Decimal:
    """Read a price typed by a person: '£12.75', '12.7', ' 1,250.00 ' are fine; more than 2 decimals is not."""
    if isinstance(raw, Decimal):
        text = str(raw)
    elif isinstance(raw, bool) or raw is None:
        raise BidInputError(f"Enter a {label}.")
    elif isinstance(raw, float):
        # JSON clients may send numbers; go through str so 12.75 stays 12.75.
        text = repr(raw)
    else:
        text = str(raw)
    cleaned = text.strip().replace("£", "").replace(",", "").strip()
    if not cleaned:
        raise BidInputError(f"Enter a {label}.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise BidInputError(f"Enter the {label} as a number of pounds, like 18.50.") from exc
    if not value.is_finite():
        raise BidInputError(f"Enter the {label} as a number of pounds, like 18.50.")
    if value <= 0:
        raise BidInputError(f"The {label} must be more than £0.")
    if value != value.quantize(Decimal("0.01")):
        raise BidInputError(f"Enter the {label} in pounds and pence, with no more than 2 decimal places.")
    if value > maximum:
        raise BidInputError(f"The {label} must be no more than £{maximum:,}.")
    return value.quantize(Decimal("0.01"))


def parse_location_ids(raw: str | Iterable[str]) -> list[str]:
    """CQC location IDs from text (one per line, or separated by commas or spaces) or a list; sorted, no repeats."""
    if isinstance(raw, str):
        items = re.split(r"[\s,;]+", raw)
    else:
        items = []
        for item in raw:
            if not isinstance(item, str):
                raise BidInputError("Each CQC location ID must be text, like 1-123456789.")
            items.append(item)
    ids = sorted({item.strip() for item in items if item and item.strip()})
    bad = [item for item in ids if not CQC_LOCATION_ID.match(item)]
    if bad:
        shown = ", ".join(bad[:3]) + (" and others" if len(bad) > 3 else "")
        raise BidInputError(
            f"{shown} {'is not a' if len(bad) == 1 else 'are not'} CQC location ID{'' if len(bad) == 1 else 's'}."
            " A location ID looks like 1-123456789 (find it on the location's page on cqc.org.uk)."
        )
    if len(ids) > MAX_LOCATIONS:
        raise BidInputError(f"Name no more than {MAX_LOCATIONS} CQC locations.")
    return ids


def parse_declarations(accepted: Iterable[str]) -> dict[str, bool]:
    """The declarations a provider ticked, as the {key: true} dict stored in the bid; unknown keys are refused."""
    keys = set(accepted)
    unknown = sorted(keys - DECLARATIONS.keys())
    if unknown:
        raise BidInputError(f"Unknown declaration: {', '.join(unknown)}.")
    return {key: True for key in DECLARATIONS if key in keys}


@dataclass(frozen=True)
class LotSpec:
    id: int
    number: int
    name: str
    package_pricing: bool


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    number: int
    word_limit: int


@dataclass(frozen=True)
class PriceRow:
    lot_id: int
    hourly_price: Decimal
    package_price: Decimal | None


@dataclass(frozen=True)
class Problem:
    """Something stopping submission: `field` names the part of the bid (for links), `message` says what to do."""

    field: str
    message: str


def location_problems(
    *, location_ids: Sequence[str], provider_cqc_id: str, registered_to: Mapping[str, str], data_as_of: str
) -> list[Problem]:
    """Named CQC locations that are not the bidder's own, by the council's imported CQC data (issue 15).

    `registered_to` maps each named location ID found in the data to its CQC provider ID;
    IDs not in it are unknown. `data_as_of` names the import ("1 September 2026").
    """
    problems: list[Problem] = []
    own = (provider_cqc_id or "").strip()
    index = {key.strip().casefold(): value for key, value in registered_to.items()}
    for location_id in location_ids:
        provider = index.get(location_id.strip().casefold())
        if provider is None:
            problems.append(Problem(
                "locations",
                f"CQC location {location_id} is not in the CQC data the council holds (imported {data_as_of}). Check"
                " the ID on the location's page on cqc.org.uk; a location registered since then needs the council's"
                " next CQC import, so ask a clarification question.",
            ))
        elif provider.strip().casefold() != own.casefold():
            problems.append(Problem(
                "locations",
                f"CQC location {location_id} is registered to CQC provider {provider}, not to your organisation's CQC"
                f" provider ID {own or '(none)'}. Name only locations your organisation runs.",
            ))
    return problems


def submission_problems(
    *,
    lots: Sequence[LotSpec],
    questions: Sequence[QuestionSpec],
    prices: Sequence[PriceRow],
    answers: Mapping[int, str],
    location_ids: Sequence[str],
    declarations: Mapping[str, object],
    location_issues: Sequence[Problem] = (),
) -> list[Problem]:
    """Everything incomplete in a draft, in the order the bid pages ask for it."""
    problems: list[Problem] = []
    by_id = {lot.id: lot for lot in lots}
    if not prices:
        problems.append(Problem("prices", "Choose at least one lot and enter your hourly price for it."))
    for row in prices:
        lot = by_id.get(row.lot_id)
        if lot is None:
            problems.append(Problem("prices", "A price is for a lot that is no longer in this tender; remove it."))
        elif lot.package_pricing and row.package_price is None:
            problems.append(Problem("prices", f"Enter your package price for lot {lot.number} ({lot.name})."))
    if not location_ids:
        problems.append(Problem("locations", "Name the CQC location or locations you will deliver the service from."))
    problems.extend(location_issues)
    for question in questions:
        text = answers.get(question.id, "").strip()
        if not text:
            problems.append(Problem(f"answer-{question.number}", f"Answer quality question {question.number}."))
        elif word_count(text) > question.word_limit:
            problems.append(
                Problem(
                    f"answer-{question.number}",
                    f"Your answer to question {question.number} has {word_count(text)} words; the limit is"
                    f" {question.word_limit}.",
                )
            )
    missing = [key for key in DECLARATIONS if not declarations.get(key)]
    if missing:
        problems.append(Problem("declarations", "Confirm every declaration."))
    return problems


def provider_check_message(check: PriceCheck, package_hours: Decimal | None = None) -> str:
    """`provider_price_message` for a price check, from its figures as people see them (`shown_figures`):
    the bid pages and the API's `bidder_message` word a check the same way."""
    shown = shown_figures(check)
    return provider_price_message(
        status=check.status.value, per_contact_hour=shown["price_per_contact_hour"],
        model_minimum=shown["model_minimum"], statutory_floor=shown["statutory_floor"],
        gap_amount=shown["gap_amount"], gap_percent=shown["gap_percent"], package_hours=package_hours,
    )


def provider_price_message(
    *, status: str, per_contact_hour: Decimal, model_minimum: Decimal, statutory_floor: Decimal,
    gap_amount: Decimal, gap_percent: Decimal, package_hours: Decimal | None = None,
) -> str:
    """The cost-of-care check in words for the bidder: the bid pages, and the API's `bidder_message`, which
    static/js/bid_price_check.js shows as they type. Money to the penny and percentages to 2 places, half up
    (`f"{x:.2f}"` would round half to even: £15.045 would read £15.04 here and £15.05 everywhere else).

    `package_hours`: the check is of a package price, spread over the package's hours (issue 15's package
    check, `pricing.selectors.lot_package_price_check`), and the message says so.
    """
    per_contact_hour, model_minimum, statutory_floor, gap_amount = (
        pennies(per_contact_hour), pennies(model_minimum), pennies(statutory_floor), pennies(gap_amount)
    )
    gap_percent = quantize_score(gap_percent)
    hourly = f"£{per_contact_hour} per contact hour"
    if package_hours is not None:
        hours = f"{package_hours.normalize():f}"
        hourly = f"this package price ({hourly} over its {hours} hours)"
    lead = hourly[0].upper() + hourly[1:]  # at the start of a sentence
    if status == "below_statutory_floor":
        return (
            f"Warning: {hourly} is below £{statutory_floor}, the least that pays the National Living Wage with"
            " on-costs (holiday and sick pay, employer NI and pension) for contact, travel and training time, and"
            " mileage. The council must ask you to explain this price and may reject it."
        )
    if status == "below_sustainable_minimum":
        return (
            f"Warning: {hourly} is £{abs(gap_amount)} ({abs(gap_percent)}%) below the cost-of-care model's"
            f" sustainable minimum of £{model_minimum}. The council will ask you to explain this price."
        )
    if status == "above_ceiling":
        return f"{lead}. This price is above the lot's ceiling price."
    if status == "far_above_model":
        return f"{lead}, {gap_percent}% above the cost-of-care model's minimum of £{model_minimum}."
    return f"{lead}: within the cost-of-care range (model minimum £{model_minimum})."
