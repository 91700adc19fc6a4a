"""Certificates in the browser: the list with status, a person's or household's certificates
(issue), one certificate (download the PDF, revoke with a reason). Auditors in every commune,
approvers in theirs: the permissions gate the pages, the services scope the records."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries import selectors as registry_selectors
from beneficiaries.models import CaseStatus
from certificates import printing, selectors, services
from certificates.models import Certificate, CertificateKind
from registry.exceptions import RegistryError, ValidationFailed
from web import selectors as web_selectors
from web.forms_audit import BatchPrintForm, CertificateFilterForm, IssueForm, RevokeForm
from web.views.common import role_view, run

VIEW = "certificates.view_certificate"
ISSUE = "certificates.issue_certificate"
PRINT = "certificates.print_certificate"
REVOKE = "certificates.revoke_certificate"


def certificate_status(certificate: Certificate, today: date | None = None) -> str:
    """current | revoked | expired, as the API's `status` says it."""
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.valid_until < (today or timezone.localdate()):
        return "expired"
    return "current"


def with_status(certificates) -> list[Certificate]:
    today = timezone.localdate()
    rows = list(certificates)
    for certificate in rows:
        certificate.web_status = certificate_status(certificate, today)
    return rows


@role_view(VIEW)
def certificate_list(request):
    communes = web_selectors.user_communes(request.user)
    form = CertificateFilterForm(request.GET or None, communes=communes)
    certificates = Certificate.objects.none()
    if form.is_valid() or not request.GET:
        filters = form.cleaned_data if form.is_bound else {}
        try:
            certificates = selectors.certificates_list(user=request.user, filters=filters)
        except ValidationFailed as exc:
            form.add_error(None, str(exc.message))
    page = Paginator(certificates.select_related("commune"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": with_status(page.object_list),
        "query": query.urlencode(),
        "print_form": BatchPrintForm(communes=communes, prefix="print"),
    }
    return render(request, "web/audit/certificate_list.html", context)


def _issue(request, form: IssueForm, **subject) -> Certificate | None:
    return run(
        form,
        lambda: services.certificate_issue(actor=request.user, **subject, **form.cleaned_data),
    )


def _issued(request, certificate: Certificate):
    messages.success(request, _("Đã cấp giấy số %(number)s.") % {"number": certificate.number})
    return redirect("web:audit-certificate", pk=certificate.pk)


@role_view(VIEW)
def person_certificates(request, pk: int):
    """The person's cases and each one's certificates; an approved case can be certified."""
    person = registry_selectors.person_get(user=request.user, person_id=pk)
    cases = list(registry_selectors.cases_list(user=request.user, filters={"person": person.pk}))
    form = IssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.has_perm(ISSUE):
            raise PermissionDenied
        case_id = request.POST.get("case")
        case = next((c for c in cases if str(c.pk) == case_id), None)
        if case is None:
            form.add_error(None, _("Chọn một hồ sơ của người này."))
        elif form.is_valid():
            certificate = _issue(request, form, kind=CertificateKind.BENEFICIARY_STATUS,
                                 case_id=case.pk)  # fmt: skip
            if certificate:
                return _issued(request, certificate)
    issued = selectors.certificates_list(user=request.user).filter(case__in=[c.pk for c in cases])
    by_case: dict[int, list] = {}
    for certificate in with_status(issued):
        by_case.setdefault(certificate.case_id, []).append(certificate)
    context = {
        "person": person,
        "cases": [(case, by_case.get(case.pk, [])) for case in cases],
        "approved": CaseStatus.APPROVED,
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "web/audit/person_certificates.html", context, status=status)


@role_view(VIEW)
def household_certificates(request, pk: int):
    household = registry_selectors.household_get(user=request.user, household_id=pk)
    form = IssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.has_perm(ISSUE):
            raise PermissionDenied
        if form.is_valid():
            certificate = _issue(request, form, kind=CertificateKind.HOUSEHOLD_POVERTY,
                                 household_id=household.pk)  # fmt: skip
            if certificate:
                return _issued(request, certificate)
    issued = selectors.certificates_list(user=request.user, filters={"household": household.pk})
    context = {
        "household": household,
        "assessment": household.poverty_assessments.order_by("-year").first(),
        "certificates": with_status(issued),
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "web/audit/household_certificates.html", context, status=status)


def certificate_page(request, certificate: Certificate, *, revoke_form=None, status=200):
    certificate = selectors.certificate_get(user=request.user, certificate_id=certificate.pk)
    certificate.web_status = certificate_status(certificate)
    subject_url = (
        reverse("web:audit-household-certificates", args=[certificate.household_id])
        if certificate.household_id
        else reverse("web:audit-person-certificates", args=[certificate.case.person_id])
    )
    context = {
        "certificate": certificate,
        "subject_url": subject_url,
        "verify_path": reverse("verify-page", args=[certificate.token]),
        "revoke_form": revoke_form or RevokeForm(),
    }
    return render(request, "web/audit/certificate_detail.html", context, status=status)


@role_view(VIEW)
def certificate_detail(request, pk: int):
    return certificate_page(
        request, selectors.certificate_get(user=request.user, certificate_id=pk)
    )


@role_view(PRINT)
def certificate_pdf(request, pk: int):
    try:
        filename, pdf = printing.certificate_pdf(actor=request.user, certificate_id=pk)
    except RegistryError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
        return redirect("web:audit-certificate", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@role_view(REVOKE)
def certificate_revoke(request, pk: int):
    certificate = selectors.certificate_get(user=request.user, certificate_id=pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        done = run(
            form,
            lambda: services.certificate_revoke(
                actor=request.user,
                certificate_id=certificate.pk,
                reason=form.cleaned_data["reason"],
            ),
        )
        if done:
            messages.success(
                request, _("Đã thu hồi giấy số %(number)s.") % {"number": certificate.number}
            )
            return redirect("web:audit-certificate", pk=certificate.pk)
    return certificate_page(request, certificate, revoke_form=form, status=400)
