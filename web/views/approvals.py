"""The approver's queue and decisions: approve with a decision and start month, reject with a
reason; the four-eyes rule is the service's (its error is shown)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries import selectors, selectors_entitlements, services
from registry.exceptions import RegistryError
from web import selectors as web_selectors
from web.forms import AdjustmentDecisionForm, ApproveForm, ReasonForm
from web.templatetags.web import month, vnd
from web.views.cases import case_page
from web.views.common import role_view, run


@role_view("beneficiaries.decide_case")
def queue(request):
    context = {
        "items": web_selectors.approval_queue(request.user),
        "adjustments": web_selectors.proposed_adjustments(request.user),
        "decision_form": AdjustmentDecisionForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "web/approvals.html", context)


@require_POST
@role_view("beneficiaries.decide_case")
def case_approve(request, pk: int):
    case = selectors.case_get(user=request.user, case_id=pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        approved = run(
            form,
            lambda: services.case_approve(actor=request.user, case_id=case.pk, **form.cleaned_data),
        )
        if approved:
            text = _("Đã phê duyệt: hưởng từ tháng %(start)s.") % {
                "start": month(approved.start_month)
            }
            if approved.arrears_months:
                text += " " + _("Truy lĩnh %(n)s tháng, %(amount)s.") % {
                    "n": approved.arrears_months,
                    "amount": vnd(approved.arrears_amount),
                }
            messages.success(request, text)
            return redirect("web:case", pk=case.pk)
    return case_page(request, case, approve_form=form, status=400)


@role_view("beneficiaries.decide_case")
def approval_preview(request, pk: int):
    """The preview for the decision date and start month typed so far (htmx, on change)."""
    case = selectors.case_get(user=request.user, case_id=pk)
    form = ApproveForm(request.GET)
    preview = problem = None
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    if data.get("decision_date"):
        try:
            preview = selectors_entitlements.case_approval_preview(
                case=case, decision_date=data["decision_date"], start_month=data.get("start_month")
            )
        except RegistryError as exc:
            problem = str(exc.message)
    else:
        problem = _("Nhập ngày quyết định để xem trước.")
    return render(request, "web/_approval_preview.html", {"preview": preview, "problem": problem})


@require_POST
@role_view("beneficiaries.decide_case")
def case_reject(request, pk: int):
    case = selectors.case_get(user=request.user, case_id=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        rejected = run(
            form,
            lambda: services.case_reject(actor=request.user, case_id=case.pk, **form.cleaned_data),
        )
        if rejected:
            messages.success(request, _("Đã từ chối hồ sơ."))
            return redirect("web:case", pk=case.pk)
    return case_page(request, case, reject_form=form, status=400)


def _adjustment_decision(request, pk: int, service, form_class, done: str):
    adjustment = selectors_entitlements.adjustment_get(user=request.user, adjustment_id=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, adjustment_id=adjustment.pk, **form.cleaned_data)
            messages.success(request, done)
        except RegistryError as exc:
            messages.error(request, str(exc.message))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("web:approvals")


@require_POST
@role_view("beneficiaries.decide_case")
def adjustment_approve(request, pk: int):
    return _adjustment_decision(
        request,
        pk,
        services.case_adjustment_approve,
        AdjustmentDecisionForm,
        _("Đã phê duyệt điều chỉnh."),
    )


@require_POST
@role_view("beneficiaries.decide_case")
def adjustment_reject(request, pk: int):
    return _adjustment_decision(
        request, pk, services.case_adjustment_reject, ReasonForm, _("Đã từ chối điều chỉnh.")
    )
