"""Payment batches: the list, generating one (large ones as a background job whose progress the
page follows), and a batch's figures and lines with the actions its status and the user's role
allow. The actions themselves are in payments_actions."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.entitlements import month_start
from beneficiaries.models import Programme
from jobs.exceptions import JobAlreadyRunning
from jobs.models import JobStatus
from jobs.selectors import job_get
from payments import selectors, services
from payments.exports import EXPORTERS
from payments.jobs import KIND, batch_runs_in_background, payment_batch_generate_start
from payments.models import BatchStatus, LineStatus, PaymentBatch
from registry.masking import mask_account_number
from web import selectors as web_selectors
from web.forms_payments import BankAnswerForm, BatchGenerateForm
from web.views.common import role_view, run

VIEW = "payments.view_paymentbatch"
ADD = "payments.add_paymentbatch"
LINES_PER_PAGE = 50

# The downloads offered on a batch page, in this order (keys of payments.exports.EXPORTERS).
DOWNLOADS = [
    ("pain001", gettext_lazy("pain.001 (ISO 20022, gửi ngân hàng)")),
    ("xlsx", gettext_lazy("Bảng kê Excel (.xlsx)")),
    ("csv", gettext_lazy("Bảng kê CSV")),
    ("cash_xlsx", gettext_lazy("Danh sách chi tiền mặt")),
    ("vcb_bulk", gettext_lazy("Mẫu chi hộ Vietcombank")),
]


@role_view(VIEW)
def batch_list(request):
    period = request.GET.get("period", "").strip()
    status = request.GET.get("status", "")
    filters = {
        "period": period if re.fullmatch(r"\d{4}-\d{2}", period) else "",
        "status": status if status in BatchStatus.values else "",
    }
    batches = selectors.payment_batches_list(user=request.user, filters=filters)
    page = Paginator(batches.prefetch_related("communes"), 25).get_page(request.GET.get("page"))
    context = {"page": page, "statuses": BatchStatus.choices, "filters": filters}
    return render(request, "web/payments/batches.html", context)


@role_view(ADD)
def batch_new(request):
    communes = list(web_selectors.user_communes(request.user))
    initial = {"period": month_start(timezone.localdate())}
    if len(communes) == 1:
        initial["commune_codes"] = [communes[0].code]
    form = BatchGenerateForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {
            "period": form.cleaned_data["period"],
            "commune_codes": form.cleaned_data["commune_codes"],
        }
        try:
            if batch_runs_in_background(actor=request.user, **values):
                job = payment_batch_generate_start(actor=request.user, **values)
                return redirect("web:payments-batch-job", pk=job.pk)
        except JobAlreadyRunning as exc:
            form.add_error(None, str(exc.message))
        else:
            batch = run(form, lambda: services.payment_batch_generate(actor=request.user, **values))
            if batch:
                messages.success(
                    request,
                    _("Đã lập đợt chi trả kỳ %(period)s: %(n)s dòng.")
                    % {"period": f"{batch.period:%m/%Y}", "n": batch.line_count},
                )
                return redirect("web:payments-batch", pk=batch.pk)
    title = _("Lập đợt chi trả")
    context = {"form": form, "title": title, "submit_label": _("Lập đợt chi trả"),
               "back_url": reverse("web:payments-batches")}  # fmt: skip
    return render(request, "web/form.html", context)


@role_view(ADD)
def batch_job(request, pk: int):
    """The generation job's progress; once done, the batch page (htmx: by HX-Redirect)."""
    job = job_get(user=request.user, job_id=pk)
    if job.kind != KIND:
        raise Http404
    batch_id = (job.result or {}).get("batch_id")
    if job.status == JobStatus.DONE and batch_id:
        url = reverse("web:payments-batch", args=[batch_id])
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    context = {"job": job, "running": running, "error": job.error or {}}
    template = "web/payments/_batch_job.html" if request.htmx else "web/payments/batch_job.html"
    return render(request, template, context)


def batch_figures(batch: PaymentBatch) -> dict:
    """What the page shows beside the batch's stored totals: arrears, one-offs and recoveries
    deducted from its lines (one query)."""
    sums = batch.lines.aggregate(
        arrears=Sum("arrears"), one_off=Sum("one_off"), deduction=Sum("deduction")
    )
    return {key: value or Decimal(0) for key, value in sums.items()}


def _programme_label(value: str) -> str:
    return str(Programme(value).label) if value in Programme.values else value


def batch_page_context(
    request, batch: PaymentBatch, *, answer_form: BankAnswerForm | None = None, **extra
) -> dict:
    status = request.GET.get("status", "")
    lines = selectors.payment_lines_list(
        batch=batch, filters={"status": status} if status in LineStatus.values else None
    )
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    for line in page.object_list:  # account numbers are masked on every batch page
        line.masked_account = mask_account_number(line.account_number)
        line.programme_label = _programme_label(line.programme)
    user = request.user
    live = batch.status in (BatchStatus.EXPORTED, BatchStatus.RECONCILED)
    return {
        "batch": batch,
        "communes": list(batch.communes.order_by("code")),
        "figures": batch_figures(batch),
        "share_percent": batch.cashless_share * 100,
        "page": page,
        "line_status": status,
        "line_statuses": LineStatus.choices,
        "can": {
            "regenerate": user.has_perm(ADD) and batch.status == BatchStatus.DRAFT,
            "cancel": user.has_perm(ADD)
            and batch.status in (BatchStatus.DRAFT, BatchStatus.APPROVED),
            "approve": user.has_perm("payments.approve_paymentbatch")
            and batch.status == BatchStatus.DRAFT,
            "export": user.has_perm("payments.export_paymentbatch")
            and (live or batch.status == BatchStatus.APPROVED),
            "reconcile": user.has_perm("payments.reconcile_paymentbatch") and live,
        },
        "own_batch": batch.created_by_id == user.pk,
        "downloads": [(key, label) for key, label in DOWNLOADS if key in EXPORTERS],
        "answer_form": answer_form or BankAnswerForm(),
        **extra,
    }


@role_view(VIEW)
def batch_detail(request, pk: int):
    batch = selectors.payment_batch_get(user=request.user, batch_id=pk)
    return render(request, "web/payments/batch_detail.html", batch_page_context(request, batch))
