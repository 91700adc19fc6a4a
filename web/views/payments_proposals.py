"""Suspension proposals: approved cases whose payments were not collected for 3 consecutive
months (payments.checks.uncollected, the review list's own source), each linking to its case.

Payment officers see them (they read the bank's answers) and approvers (they decide the
suspension on the case page); auditors read them too."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from beneficiaries import selectors as registry_selectors
from beneficiaries.entitlements import add_months, month_start
from payments.checks import UNCOLLECTED_MONTHS, uncollected
from web.forms import MonthField

READERS = ("payments.view_paymentbatch", "beneficiaries.decide_case")


@login_required
def proposals(request):
    if not any(request.user.has_perm(permission) for permission in READERS):
        raise PermissionDenied
    this_month = month_start(timezone.localdate())
    try:
        month = MonthField(required=False).clean(request.GET.get("month", "")) or this_month
    except forms.ValidationError:  # a malformed month in the URL: this month
        month = this_month
    cases = registry_selectors.cases_list(user=request.user)
    items = list(uncollected(cases, month))
    by_id = {case.pk: case for case in cases.filter(pk__in=[i["case_id"] for i in items])}
    rows = [(by_id[item["case_id"]], item["detail"]) for item in items if item["case_id"] in by_id]
    context = {
        "rows": rows,
        "month": month,
        "first": add_months(month, -UNCOLLECTED_MONTHS),
        "last": add_months(month, -1),
        "months": UNCOLLECTED_MONTHS,
    }
    return render(request, "web/payments/proposals.html", context)
