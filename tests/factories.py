"""factory-boy factories for the domain; tests build only what they need."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role, User
from pricing.models import RatePreset
from providers.models import Provider, ProviderStatus
from tenders.models import Lot, QualityQuestion, ServiceType, Tender
from zones.models import Rurality, Zone

PASSWORD = "correct-horse-battery"


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    code = factory.Sequence(lambda n: f"zone-{n}")
    name = factory.Sequence(lambda n: f"Zone {n}")
    local_authority = "Testshire County Council"
    rurality = Rurality.URBAN


class RatePresetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatePreset
        django_get_or_create = ("slug",)

    slug = "test-preset"
    name = "Test preset"
    year_label = "2025/26"
    effective_from = factory.LazyFunction(lambda: timezone.localdate().replace(month=4, day=1))
    # The sixteen model inputs, as the shipped 2025/26 preset has them (model minimum £32.14).
    hourly_pay_rate = Decimal("12.21")
    employer_ni_rate = Decimal("15")
    ni_secondary_threshold_weekly = Decimal("96")
    pension_rate = Decimal("3")
    pension_lower_limit_weekly = Decimal("120")
    holiday_pay_percent = Decimal("12.07")
    sick_pay_percent = Decimal("1")
    training_time_percent = Decimal("3")
    other_paid_time_percent = Decimal("2.2")
    pence_per_mile = Decimal("45")
    running_costs_per_hour = Decimal("8.44")
    running_costs_percent = Decimal("0")
    surplus_percent = Decimal("3")
    weekly_contact_hours = Decimal("28.5")
    travel_minutes_per_contact_hour = Decimal("15")
    miles_per_contact_hour = Decimal("4.4")


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n} Ltd")
    companies_house_number = factory.Sequence(lambda n: f"{10000000 + n}")
    cqc_provider_id = factory.Sequence(lambda n: f"1-{800000000 + n}")
    status = ProviderStatus.APPROVED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COMMISSIONER
    password = factory.django.Password(PASSWORD)


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender

    reference = factory.Sequence(lambda n: f"T-{n:04d}")
    title = factory.Sequence(lambda n: f"Tender {n}")
    service_type = ServiceType.REABLEMENT
    submission_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    clarification_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    rate_preset = factory.SubFactory(RatePresetFactory)


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    tender = factory.SubFactory(TenderFactory)
    number = factory.Sequence(lambda n: n + 1)
    zone = factory.SubFactory(ZoneFactory)
    hours_per_week = Decimal("500")


class QualityQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityQuestion

    tender = factory.SubFactory(TenderFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "How will you deliver the service?"
    weight = Decimal("10")
    max_score = 5


def complete_tender(**kwargs) -> Tender:
    """A draft tender that passes every publish check."""
    tender = TenderFactory(**kwargs)
    LotFactory(tender=tender, number=1)
    QualityQuestionFactory(tender=tender, number=1, weight=Decimal("100"))  # question weights add up to 100
    return tender
