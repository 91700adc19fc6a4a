"""Cases for the social worker: open a draft (its coefficient and amount shown before it is
submitted), the case page, submit, propose an adjustment."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries import selectors, selectors_entitlements, services
from beneficiaries.models import CaseStatus
from registry.exceptions import RegistryError
from web.forms import AdjustForm, ApproveForm, CaseForm, ReasonForm
from web.views.common import role_view, run


@role_view("beneficiaries.add_case")
def case_new(request, pk: int):
    person = selectors.person_get(user=request.user, person_id=pk)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = run(
            form,
            lambda: services.case_create(
                actor=request.user, person_id=person.pk, **form.cleaned_data
            ),
        )
        if case:
            messages.success(
                request, _("Đã lập hồ sơ nháp. Kiểm tra hệ số và mức hưởng rồi trình hồ sơ.")
            )
            return redirect("web:case", pk=case.pk)
    title = _("Lập hồ sơ hưởng — %(code)s") % {"code": person.ss_code}
    back_url = reverse("web:person", args=[person.pk])
    return render(request, "web/form.html", {"form": form, "title": title, "back_url": back_url})


def case_page(request, case, *, approve_form=None, reject_form=None, status=200):
    shown = selectors_entitlements.current_entitlements([case])[case.pk]
    preview = problem = None
    if case.status == CaseStatus.SUBMITTED and request.user.has_perm("beneficiaries.decide_case"):
        try:
            preview = selectors_entitlements.case_approval_preview(
                case=case, decision_date=timezone.localdate()
            )
        except RegistryError as exc:
            problem = str(exc.message)
    context = {
        "case": case,
        "person": case.person,
        "shown": shown,
        "preview": preview,
        "problem": problem,
        "approve_form": approve_form
        or ApproveForm(initial={"decision_date": timezone.localdate()}),
        "reject_form": reject_form or ReasonForm(),
        "adjustments": selectors_entitlements.adjustments_list(case=case),
        "history": selectors.object_history(obj=case),
        "own_submission": case.submitted_by_id == request.user.pk,
    }
    return render(request, "web/case_detail.html", context, status=status)


@role_view("beneficiaries.view_case")
def case_detail(request, pk: int):
    return case_page(request, selectors.case_get(user=request.user, case_id=pk))


@require_POST
@role_view("beneficiaries.submit_case")
def case_submit(request, pk: int):
    case = selectors.case_get(user=request.user, case_id=pk)
    try:
        services.case_submit(actor=request.user, case_id=case.pk)
        messages.success(request, _("Đã trình hồ sơ để phê duyệt."))
    except RegistryError as exc:
        messages.error(request, str(exc.message))
    return redirect("web:case", pk=case.pk)


@role_view("beneficiaries.change_case")
def case_adjust(request, pk: int):
    case = selectors.case_get(user=request.user, case_id=pk)
    form = AdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        adjustment = run(
            form,
            lambda: services.case_adjust(
                actor=request.user,
                case_id=case.pk,
                from_month=data["from_month"],
                reason=data["reason"],
                changes=form.changes(),
            ),
        )
        if adjustment:
            messages.success(request, _("Đã gửi đề xuất điều chỉnh để phê duyệt."))
            return redirect("web:case", pk=case.pk)
    title = _("Đề xuất điều chỉnh — hồ sơ %(id)s") % {"id": case.pk}
    back_url = reverse("web:case", args=[case.pk])
    return render(request, "web/form.html", {"form": form, "title": title, "back_url": back_url})
