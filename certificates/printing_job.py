"""A commune's batch print as a background job, and the PDF it leaves for the one who started it.

`certificates_batch_print` draws every current certificate of the commune (and audits the
print); the job keeps the PDF encrypted (it carries names and ID numbers) in a file of its own
under `REGISTRY_PRINTS_DIR` (default var/prints/), named by the job, which the starter (or an
auditor) downloads once the job is done. The job's `result` holds counts and codes only.
"""

from __future__ import annotations

import base64
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from certificates import printing
from certificates.services import require
from jobs.models import Job, JobStatus
from jobs.operations import JobRun, dedupe_key, job_start, job_task
from registry import crypto
from registry.access import ensure_commune_access
from registry.exceptions import Conflict, NotFound
from registry.models import Commune, User

KIND = "certificates_batch_print"
_CONTEXT = "certificates.batch_print_pdf"


def prints_dir() -> Path:
    return Path(settings.REGISTRY_PRINTS_DIR)


def _path(job_id: int) -> Path:
    return prints_dir() / f"batch-{int(job_id)}.pdf.enc"


def certificates_batch_print_start(*, actor: User, commune_code: str, kind: str = "") -> Job:
    """Queue the print of a commune's current certificates; the commune is checked at once (404
    outside the actor's communes); JobAlreadyRunning (409) while the same print is running."""
    require(actor, "certificates.print_certificate")
    if not Commune.objects.filter(code=commune_code).exists():
        raise NotFound()
    ensure_commune_access(actor, commune_code)
    return job_start(
        actor=actor,
        task=certificates_batch_print_job,
        dedupe_key=dedupe_key(KIND, commune_code, kind or ""),
        commune_code=commune_code,
        params={"commune_code": commune_code, "kind": kind or ""},
    )


@job_task(kind=KIND)
def certificates_batch_print_job(run: JobRun) -> dict:
    commune_code = run.params["commune_code"]
    pdf = printing.certificates_batch_print(
        actor=run.actor,
        commune_code=commune_code,
        kind=run.params.get("kind") or None,
        progress=run.progress,
    )
    path = _path(run.job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    sealed = crypto.encrypt(base64.b64encode(pdf).decode("ascii"), context=_CONTEXT)
    path.write_text(sealed, encoding="ascii")
    return {"commune_code": commune_code, "bytes": len(pdf)}


def batch_print_pdf(job: Job) -> tuple[str, bytes]:
    """The PDF of a done print job (the caller has read the job through `jobs.selectors`)."""
    if job.kind != KIND:
        raise NotFound()
    path = _path(job.pk)
    if job.status != JobStatus.DONE or not path.exists():
        raise Conflict(_("Bản in chưa sẵn sàng."), code="print_not_ready")
    plain = crypto.decrypt(path.read_text(encoding="ascii"), context=_CONTEXT)
    return f"giay-chung-nhan-{job.params['commune_code']}-{job.pk}.pdf", base64.b64decode(plain)
