"""Batch generation as a background job: above REGISTRY_PAYMENTS_BACKGROUND_FROM_CASES cases.

The period and the communes are checked in the request (a wrong period or another commune is
refused at once); the worker generates the batch exactly as the request would
(`payment_batch_generate`), and the job ends inside the generation's own transaction, so a
worker killed at any point leaves either no batch (the job runs again) or the batch with the
job done — never a second batch. The same period and communes while a job runs: 409
`job_already_running`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jobs.models import Job
from jobs.operations import JobRun, dedupe_key, job_start, job_task
from payments.models import PaymentBatch
from payments.services.batches import payment_batch_generate
from payments.services.common import period_of
from payments.services.generation import payable_cases
from registry.access import ensure_commune_access
from registry.models import User

KIND = "payment_batch_generate"


def _codes(commune_codes: list[str]) -> list[str]:
    return sorted({str(code).strip() for code in commune_codes or [] if str(code).strip()})


def batch_runs_in_background(*, actor: User, period: date | str, commune_codes: list[str]) -> bool:
    """True when the cases that could be paid are more than the setting (one COUNT query). The
    actor's communes are checked first, so a refused commune is never counted."""
    codes = _codes(commune_codes)
    for code in codes:
        ensure_commune_access(actor, code)
    if not codes:
        return False  # the generation itself answers "a commune is required"
    limit = int(getattr(settings, "REGISTRY_PAYMENTS_BACKGROUND_FROM_CASES", 5000))
    return payable_cases(period_of(period), codes).count() > limit


def payment_batch_generate_start(
    *, actor: User, period: date | str, commune_codes: list[str]
) -> Job:
    """Queue the generation; JobAlreadyRunning (409) when the same period and communes are being
    generated already, by anyone. The caller has checked the actor's role."""
    month = f"{period_of(period):%Y-%m}"
    codes = _codes(commune_codes)
    return job_start(
        actor=actor,
        task=payment_batch_generate_job,
        dedupe_key=dedupe_key(KIND, month, ",".join(codes)),
        commune_code=codes[0] if len(codes) == 1 else "",
        params={"period": month, "commune_codes": codes},
    )


def _result(batch: PaymentBatch) -> dict:
    return {
        "batch_id": batch.pk,
        "period": f"{batch.period:%Y-%m}",
        "line_count": batch.line_count,
        "total_amount": str(batch.total_amount),
        "recovery_count": batch.recovery_count,
    }


@job_task(kind=KIND)
def payment_batch_generate_job(run: JobRun) -> dict:
    run.progress(0, 1, str(_("Đang lập đợt chi trả")))
    batch = payment_batch_generate(
        actor=run.actor,
        period=run.params["period"],
        commune_codes=run.params["commune_codes"],
        before_commit=lambda made: run.seal(_result(made)),
    )
    return _result(batch)
