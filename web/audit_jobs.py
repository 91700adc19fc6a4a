"""The audit chain's verification as a background job: a long chain takes a while to walk, so
the page starts the walk and follows its progress (as `manage.py verify_audit` does it)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.operations import JobRun, dedupe_key, job_start, job_task
from registry.audit_chain import audit_chain_head, verify_chain
from registry.models import User

KIND = "audit_chain_verify"


def audit_chain_verify_start(*, actor: User) -> Job:
    """Queue a walk of the whole chain; JobAlreadyRunning while one is running (one is enough).
    The caller has checked the actor's role."""
    return job_start(actor=actor, task=audit_chain_verify_job, dedupe_key=dedupe_key(KIND))


@job_task(kind=KIND)
def audit_chain_verify_job(run: JobRun) -> dict:
    total = audit_chain_head().sequence
    message = _("Đang kiểm tra chuỗi nhật ký")
    run.progress(0, total, message)
    report = verify_chain(progress=lambda count: run.progress(count, max(total, count), message))
    broken = report.broken
    return {
        "ok": report.ok,
        "events": report.events,
        "head_sequence": report.head.sequence,
        "head_hash": report.head.hash,
        # Ids, numbers and the checker's own sentence: no personal data.
        "broken": None
        if broken is None
        else {
            "kind": broken.kind,
            "event_id": broken.event_id,
            "sequence": broken.sequence,
            "detail": str(broken.detail),
        },
    }
