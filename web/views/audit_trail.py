"""The audit trail for auditors: filters (who, what, when, commune), newest first, paginated;
and «Kiểm tra chuỗi», the walk of the hash chain, run as a job whose progress the page follows."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jobs.exceptions import JobAlreadyRunning
from jobs.models import JobStatus
from jobs.selectors import job_get
from registry.audit_selectors import audit_events_list
from registry.exceptions import NotFound, ValidationFailed
from registry.models import AuditEvent
from web import selectors as web_selectors
from web.audit_jobs import KIND, audit_chain_verify_start
from web.forms_audit import AuditFilterForm
from web.views.common import role_view

PERMISSION = "registry.view_auditevent"
PAGE_SIZE = 50


@role_view(PERMISSION)
def audit_trail(request):
    form = AuditFilterForm(request.GET or None, communes=web_selectors.user_communes(request.user))
    events = AuditEvent.objects.none()
    if not form.is_bound or form.is_valid():
        filters = form.selector_filters() if form.is_bound else {}
        try:
            events = audit_events_list(filters=filters)
        except ValidationFailed as exc:
            for field, problems in (exc.fields or {}).items():
                name = {"from": "date_from", "to": "date_to"}.get(field, field)
                for problem in problems:
                    form.add_error(name if name in form.fields else None, str(problem))
            events = AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "web/audit/trail.html", context, status=400 if form.errors else 200)


@require_POST
@role_view(PERMISSION)
def chain_verify(request):
    try:
        job = audit_chain_verify_start(actor=request.user)
    except JobAlreadyRunning as exc:
        job = exc.job
    if request.htmx:
        return chain_job_fragment(request, job_get(user=request.user, job_id=job.pk))
    return redirect("web:audit-chain-job", pk=job.pk)


def chain_job_fragment(request, job, *, template: str = "web/audit/_chain_job.html"):
    context = {
        "job": job,
        "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        "result": job.result or {},
        "error": job.error or {},
    }
    return render(request, template, context)


@role_view(PERMISSION)
def chain_job(request, pk: int):
    job = job_get(user=request.user, job_id=pk)
    if job.kind != KIND:
        raise NotFound()
    template = "web/audit/_chain_job.html" if request.htmx else "web/audit/chain_job.html"
    return chain_job_fragment(request, job, template=template)
