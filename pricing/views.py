"""Commissioner pages for the cost-of-care model: presets, comparison, editing, and what each lot costs."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from accounts import permissions
from common.errors import DomainError
from common.form_views import handle_form
from common.http import AuthenticatedHttpRequest
from pricing import selectors, services
from pricing.charts import Series, breakdown_bar, line_chart, stacked_bar_chart
from pricing.cost_model import DEFAULT_VISIT_LENGTHS, RATE_ASSUMPTION_FIELDS, cost_by_visit_length
from pricing.forms import RatePresetForm
from pricing.models import MONEY_FIELDS, RatePreset
from pricing.services import EDITABLE_FIELDS
from tenders.models import Tender
from zones.models import Zone


def commissioner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in as a commissioner (or admin); anyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not permissions.can_manage_settings(user):
            raise PermissionDenied("Only commissioners can see the cost-of-care pages.")
        return view(request, *args, **kwargs)

    return wrapped


def _preset_or_404(slug: str) -> RatePreset:
    preset = RatePreset.objects.filter(slug=slug).first()
    if preset is None:
        raise Http404("No such preset.")
    return preset


@commissioner_required
def preset_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = []
    for preset in selectors.preset_list().prefetch_related("tenders"):
        try:
            breakdown = selectors.preset_cost_of_care(preset=preset)
        except DomainError:
            breakdown = None
        rows.append({"preset": preset, "breakdown": breakdown, "locked_by": selectors.preset_locking_tenders(preset)})
    return render(request, "pricing/preset_list.html", {"rows": rows})


@commissioner_required
def preset_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    preset = _preset_or_404(slug)
    context: dict[str, Any] = {
        "preset": preset,
        "assumptions": [(RatePreset._meta.get_field(name), getattr(preset, name), name in MONEY_FIELDS)
                        for name in RATE_ASSUMPTION_FIELDS],
        "tenders": preset.tenders.order_by("reference"),
        "locked_by": selectors.preset_locking_tenders(preset),
    }
    try:
        assumptions = selectors.preset_assumptions(preset)
    except DomainError as exc:
        return render(request, "pricing/preset_detail.html", {**context, "problem": exc.message})
    breakdown = selectors.preset_cost_of_care(preset=preset)
    by_length = cost_by_visit_length(assumptions, None, DEFAULT_VISIT_LENGTHS)
    chart = stacked_bar_chart(
        [breakdown_bar(f"{preset.year_label} average", breakdown)]
        + [breakdown_bar(f"{minutes}-minute visits", b) for minutes, b in by_length.items()],
        title=f"{preset.name}: price per contact hour, line by line",
        chart_id="preset-chart",
    )
    return render(request, "pricing/preset_detail.html", {
        **context,
        "breakdown": breakdown,
        "by_length": by_length,
        "chart": mark_safe(chart),  # noqa: S308 - charts.py escapes every label
    })


def _render_form(request: HttpRequest, form: RatePresetForm, preset: RatePreset | None, status: int = 200,
                 locked_by: list[str] | None = None) -> HttpResponse:
    return render(request, "pricing/preset_form.html",
                  {"form": form, "preset": preset, "locked_by": locked_by or []}, status=status)


@commissioner_required
def preset_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    preset = _preset_or_404(slug)
    locked_by = selectors.preset_locking_tenders(preset)
    if request.method != "POST":
        return _render_form(request, RatePresetForm(instance=preset), preset, locked_by=locked_by)
    form = RatePresetForm(request.POST, instance=RatePreset.objects.get(pk=preset.pk))
    if done := handle_form(
        request, form, lambda data: services.preset_update(preset=preset, user=request.user, data=data),
        success=f"{preset.name}: changes saved.", redirect_to=reverse("pricing-preset-detail", args=[preset.slug]),
    ):
        return done
    return _render_form(request, form, preset, status=400, locked_by=locked_by)


@commissioner_required
def preset_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        source = RatePreset.objects.filter(slug=request.GET.get("from", "")).first()
        initial = model_to_dict(source, fields=list(EDITABLE_FIELDS)) if source else {}
        if source:
            initial["name"] = f"{source.name} (copy)"
        return _render_form(request, RatePresetForm(initial=initial), None)
    form = RatePresetForm(request.POST)
    if done := handle_form(
        request, form, lambda data: services.preset_create(user=request.user, data=data),
        success=lambda preset: f"{preset.name}: preset added.",
        redirect_to=lambda preset: reverse("pricing-preset-detail", args=[preset.slug]),
    ):
        return done
    return _render_form(request, form, None, status=400)


@commissioner_required
def preset_compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    all_presets = list(selectors.preset_list())
    chosen_slugs = request.GET.getlist("preset")
    by_slug = {p.slug: p for p in all_presets}
    unknown = [slug for slug in chosen_slugs if slug not in by_slug]
    chosen = [by_slug[slug] for slug in dict.fromkeys(chosen_slugs) if slug in by_slug]
    zones = list(Zone.objects.order_by("name"))
    zone = next((z for z in zones if z.code == request.GET.get("zone")), None)
    errors = [("compare-presets", f"There is no preset called {slug!r}.") for slug in unknown]
    if request.GET and len(chosen) < 2 and not unknown:
        errors.append(("compare-presets", "Choose at least two presets to compare."))
    comparison = chart = None
    if chosen and not errors:
        comparison = selectors.preset_comparison(presets=chosen, zone=zone)
        chart = mark_safe(stacked_bar_chart(  # noqa: S308 - charts.py escapes every label
            [breakdown_bar(p.year_label, b) for p, b in zip(chosen, comparison.breakdowns, strict=True)],
            title="Price per contact hour by preset, line by line" + (f" ({zone.name})" if zone else ""),
            chart_id="compare-chart",
        ))
    return render(request, "pricing/preset_compare.html", {
        "all_presets": all_presets, "chosen_slugs": set(chosen_slugs), "zones": zones, "zone": zone,
        "comparison": comparison, "chart": chart, "errors": errors,
    }, status=400 if errors else 200)


def _mix_percentages(mix: dict[int, Decimal] | None) -> list[tuple[int, Decimal]]:
    """The visit mix as (minutes, % of contact hours), for display."""
    if not mix:
        return []
    total = sum(mix.values(), Decimal(0))
    return [(minutes, share * 100 / total) for minutes, share in sorted(mix.items())]


@commissioner_required
def tender_lot_costs(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    tender = Tender.objects.select_related("rate_preset").filter(reference=reference).first()
    if tender is None:
        raise Http404("No such tender.")
    problem = ""
    lot_costs = []
    bar_chart = visit_chart = None
    try:
        lot_costs = selectors.tender_lot_costs(tender=tender)
    except DomainError as exc:
        problem = exc.message
    if lot_costs:
        bar_chart = mark_safe(stacked_bar_chart(  # noqa: S308 - charts.py escapes every label
            [breakdown_bar(f"Lot {c.lot.number}: {c.lot.zone.name}", c.average) for c in lot_costs],
            title=f"{tender.reference}: model minimum per contact hour by lot, line by line",
            chart_id="lot-chart",
        ))
        visit_chart = mark_safe(line_chart(  # noqa: S308 - charts.py escapes every label
            [Series(f"Lot {c.lot.number}: {c.lot.zone.name}",
                    tuple((minutes, b.total) for minutes, b in c.by_visit_length.items()))
             for c in lot_costs],
            title=f"{tender.reference}: price per contact hour by visit length",
            chart_id="visit-chart",
        ))
    rows = [
        {
            "cost": c,
            "lot": c.lot,
            "minimum_unit": c.on_basis(c.average.total),
            "floor_unit": c.on_basis(c.average.statutory_floor),
            "mix_unit": c.on_basis(c.visit_mix.total) if c.visit_mix else None,
            "benchmark_unit": c.on_basis(c.benchmark.total),
            "weekly_cost": c.weekly_cost_at_minimum,
            "visits": [(minutes, b.total, c.on_basis(b.total)) for minutes, b in c.by_visit_length.items()],
        }
        for c in lot_costs
    ]
    weekly_total = sum((c.weekly_cost_at_minimum for c in lot_costs), Decimal(0))  # the rows' weekly_cost
    year_rows, preset_warning = [], None
    if lot_costs:
        preset_warning = selectors.tender_preset_warning(tender=tender)
        for year in selectors.tender_contract_years(tender=tender):
            figures = []
            for c in lot_costs:
                b = selectors.lot_benchmark_for_preset(lot=c.lot, preset=year.preset) if year.preset else None
                figures.append(None if b is None else (b.total, c.on_basis(b.total)))
            year_rows.append({"year": year, "figures": figures})
    return render(request, "pricing/tender_lot_costs.html", {
        "contract_years": year_rows, "preset_warning": preset_warning,
        "tender": tender, "rows": rows, "problem": problem, "visit_lengths": DEFAULT_VISIT_LENGTHS,
        "basis": lot_costs[0].basis if lot_costs else None,
        "mix": _mix_percentages(None if problem else selectors.tender_visit_mix(tender)),
        "weekly_total": weekly_total,
        "yearly_total": weekly_total * 52,
        "bar_chart": bar_chart, "visit_chart": visit_chart,
    })
