"""What a batch page's buttons do: regenerate, cancel, approve (four eyes), download a file, and
read the bank's answer. Each is a POST calling one payment service; a refusal by the service
(the generator approving their own batch, a batch in the wrong status, a malformed answer) is
shown on the batch page in Vietnamese, never as an error page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payments import exporting, selectors, services
from payments.bank_answers import BankAnswerError, parse_bank_answer
from payments.models import LineStatus
from registry.exceptions import NotFound, RegistryError
from web.forms_payments import BankAnswerForm
from web.views.common import role_view
from web.views.payments_batches import batch_page_context

ADD = "payments.add_paymentbatch"


def _transition(request, pk: int, service: Callable, done: str):
    selectors.payment_batch_get(user=request.user, batch_id=pk)
    try:
        service(actor=request.user, batch_id=pk)
    except NotFound:
        raise
    except RegistryError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("web:payments-batch", pk=pk)


@require_POST
@role_view(ADD)
def batch_regenerate(request, pk: int):
    return _transition(
        request, pk, services.payment_batch_regenerate, _("Đã lập lại đợt chi trả từ dữ liệu mới.")
    )


@require_POST
@role_view(ADD)
def batch_cancel(request, pk: int):
    return _transition(request, pk, services.payment_batch_cancel, _("Đã hủy đợt chi trả."))


@require_POST
@role_view("payments.approve_paymentbatch")
def batch_approve(request, pk: int):
    return _transition(request, pk, services.payment_batch_approve, _("Đã duyệt đợt chi trả."))


@require_POST
@role_view("payments.export_paymentbatch")
def batch_export(request, pk: int):
    """A download by POST: the first export marks the batch exported (a change of state)."""
    try:
        exported = exporting.batch_file(
            actor=request.user, batch_id=pk, file_format=request.POST.get("format", "")
        )
    except NotFound:
        raise
    except RegistryError as exc:
        messages.error(request, str(exc.message))
        return redirect("web:payments-batch", pk=pk)
    response = StreamingHttpResponse(exported.chunks, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


@require_POST
@role_view("payments.reconcile_paymentbatch")
def batch_reconcile(request, pk: int):
    batch = selectors.payment_batch_get(user=request.user, batch_id=pk)  # 404 before the file
    form = BankAnswerForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            answers = parse_bank_answer(upload.read(), upload.name or "")
            result = services.payment_batch_reconcile(
                actor=request.user, batch_id=batch.pk, answers=answers, filename=upload.name or ""
            )
        except BankAnswerError as exc:
            form.add_error("file", str(exc.message))
        except NotFound:
            raise
        except RegistryError as exc:
            form.add_error("file", str(exc.message))
    batch.refresh_from_db()
    failed = None
    if result is not None:
        failed = list(
            selectors.payment_lines_list(batch=batch, filters={"status": LineStatus.FAILED})[:200]
        )
    context = batch_page_context(request, batch, answer_form=form, result=result, failed=failed)
    return render(
        request, "web/payments/batch_detail.html", context, status=400 if result is None else 200
    )
