"""Households: the list, registration, the household page and its poverty assessments."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from beneficiaries import poverty, selectors, services
from beneficiaries.models import Classification
from registry.exceptions import RegistryError
from web import selectors as web_selectors
from web.forms import AssessmentForm, HouseholdForm
from web.views.common import role_view, run, unmask_requested


@role_view("beneficiaries.view_household")
def household_list(request):
    households = selectors.households_list(user=request.user)
    page = Paginator(households, 50).get_page(request.GET.get("page"))
    return render(request, "web/household_list.html", {"page": page})


@role_view("beneficiaries.add_household")
def household_new(request):
    form = HouseholdForm(request.POST or None, communes=web_selectors.user_communes(request.user))
    if request.method == "POST" and form.is_valid():
        household = run(
            form, lambda: services.household_register(actor=request.user, **form.cleaned_data)
        )
        if household:
            messages.success(request, _("Đã đăng ký hộ %(code)s.") % {"code": household.code})
            return redirect("web:household", pk=household.pk)
    return render(request, "web/form.html", {"form": form, "title": _("Đăng ký hộ gia đình")})


@role_view("beneficiaries.view_household")
def household_detail(request, pk: int):
    household = selectors.household_get(user=request.user, household_id=pk)
    members = list(selectors.persons_list(user=request.user, filters={"household": household.pk}))
    unmask = unmask_requested(request, members)
    cases = selectors.cases_list(user=request.user).filter(person__household=household)
    context = {
        "household": household,
        "members": members,
        "assessments": selectors.poverty_assessments_list(user=request.user, household_id=pk),
        "cases": cases,
        "history": selectors.object_history(obj=household),
        "unmask": unmask,
    }
    return render(request, "web/household_detail.html", context)


@role_view("beneficiaries.add_povertyassessment")
def assessment_new(request, pk: int):
    household = selectors.household_get(user=request.user, household_id=pk)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = run(
            form,
            lambda: services.poverty_assessment_record(
                actor=request.user, household_id=household.pk, **form.cleaned_data
            ),
        )
        if assessment:
            label = Classification(assessment.classification).label
            messages.success(
                request,
                _("Đã ghi kết quả rà soát năm %(year)s: %(label)s.")
                % {"year": assessment.year, "label": label},
            )
            return redirect("web:household", pk=household.pk)
    title = _("Rà soát hộ nghèo, hộ cận nghèo — hộ %(code)s") % {"code": household.code}
    preview_url = reverse("web:assessment-preview", args=[household.pk])
    return render(
        request,
        "web/assessment_form.html",
        {"form": form, "title": title, "household": household, "preview_url": preview_url},
    )


@role_view("beneficiaries.add_povertyassessment")
def assessment_preview(request, pk: int):
    """The classification the values typed so far give (htmx, on change), by the same rule the
    recording uses (`beneficiaries.poverty.assess`); nothing is saved."""
    household = selectors.household_get(user=request.user, household_id=pk)
    form = AssessmentForm(request.GET)
    classification = problem = threshold = None
    if form.is_valid():
        try:
            classification, threshold = poverty.assess(
                year=form.cleaned_data["year"],
                area=household.area,
                income_per_capita=form.cleaned_data["income_per_capita"],
                deprivations=form.cleaned_data["deprivations"],
            )
        except RegistryError as exc:
            problem = str(exc.message)
    context = {
        "label": Classification(classification).label if classification else None,
        "threshold": threshold,
        "count": len(form.cleaned_data.get("deprivations", [])) if form.is_valid() else None,
        "problem": problem,
    }
    return render(request, "web/_assessment_preview.html", context)
