"""The spreadsheet import: the template, a dry run, the table of row errors, and large files as
a background job whose progress the page follows (htmx polling)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.imports import (
    IMPORT_PERMISSION,
    TEMPLATE_FILENAME,
    XLSX_CONTENT_TYPE,
    ImportInvalid,
    persons_import,
    persons_import_template,
)
from beneficiaries.imports.job import import_runs_in_background, persons_import_start
from jobs.exceptions import JobAlreadyRunning
from jobs.models import JobStatus
from jobs.selectors import job_get
from registry.exceptions import RegistryError
from web.views.common import role_view


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách (.xlsx hoặc .csv UTF-8 theo mẫu)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Chỉ kiểm tra, chưa lưu"), required=False, initial=True
    )


@role_view(IMPORT_PERMISSION)
def import_template(request):
    response = HttpResponse(persons_import_template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
    return response


@role_view(IMPORT_PERMISSION)
def import_page(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result = rows = None
    if request.method == "POST" and form.is_valid():
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        try:
            if import_runs_in_background(upload, dry_run=dry_run):
                job = persons_import_start(actor=request.user, file=upload)
                return redirect("web:import-job", pk=job.pk)
            result = persons_import(actor=request.user, file=upload, dry_run=dry_run)
            if not dry_run:
                messages.success(
                    request,
                    _("Đã nhập %(n)s người, %(h)s hộ mới.")
                    % {"n": result.created, "h": result.households_created},
                )
        except JobAlreadyRunning as exc:
            form.add_error("file", str(exc.message))
        except ImportInvalid as exc:
            form.add_error("file", str(exc.message))
            rows = exc.extra["rows"]
        except RegistryError as exc:
            form.add_error("file", str(exc.message))
    context = {"form": form, "result": result, "rows": rows}
    return render(request, "web/import.html", context, status=400 if rows else 200)


@role_view(IMPORT_PERMISSION)
def import_job(request, pk: int):
    job = job_get(user=request.user, job_id=pk)
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    error = job.error or {}
    context = {"job": job, "running": running, "error": error, "rows": error.get("rows")}
    template = "web/_import_job.html" if request.htmx else "web/import_job.html"
    return render(request, template, context)
