"""A commune's batch print: started as a background job, its progress followed with htmx, then
the PDF downloaded by whoever started it (or an auditor)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certificates.printing_job import KIND, batch_print_pdf, certificates_batch_print_start
from jobs.exceptions import JobAlreadyRunning
from jobs.models import JobStatus
from jobs.selectors import job_get
from registry.exceptions import NotFound, RegistryError
from web import selectors as web_selectors
from web.forms_audit import BatchPrintForm
from web.views.audit_certificates import PRINT
from web.views.common import role_view


@require_POST
@role_view(PRINT)
def batch_print(request):
    communes = web_selectors.user_communes(request.user)
    form = BatchPrintForm(request.POST, communes=communes, prefix="print")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("web:audit-certificates")
    try:
        job = certificates_batch_print_start(
            actor=request.user,
            commune_code=form.cleaned_data["commune"],
            kind=form.cleaned_data["kind"],
        )
    except JobAlreadyRunning as exc:
        return redirect("web:audit-print-job", pk=exc.job.pk)
    except RegistryError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
        return redirect("web:audit-certificates")
    return redirect("web:audit-print-job", pk=job.pk)


def _print_job(request, pk: int):
    job = job_get(user=request.user, job_id=pk)
    if job.kind != KIND:
        raise NotFound()
    return job


@role_view(PRINT)
def print_job(request, pk: int):
    job = _print_job(request, pk)
    context = {
        "job": job,
        "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        "done": job.status == JobStatus.DONE,
        "error": job.error or {},
    }
    template = "web/audit/_print_job.html" if request.htmx else "web/audit/print_job.html"
    return render(request, template, context)


@role_view(PRINT)
def print_pdf(request, pk: int):
    job = _print_job(request, pk)
    try:
        filename, pdf = batch_print_pdf(job)
    except RegistryError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
        return redirect("web:audit-print-job", pk=job.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
