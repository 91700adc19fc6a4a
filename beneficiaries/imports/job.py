"""The person import as a background job: files above REGISTRY_IMPORT_BACKGROUND_BYTES.

The upload is checked for size and format at once (so a wrong file is refused in
the request), stored encrypted with the job, and imported by a worker exactly as the
synchronous import does it: every row checked, then everything saved or nothing. The job ends
inside the import's own transaction, so a worker killed at any point leaves either nothing
saved (the job is re-run) or everything saved with the job done — never a second import.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile

from beneficiaries.imports import ImportResult, persons_import
from beneficiaries.imports.reading import file_kind, read_upload
from jobs.models import Job
from jobs.operations import JobRun, dedupe_key, job_start, job_task
from registry.access import user_commune_codes
from registry.models import User

KIND = "persons_import"


def import_runs_in_background(file, *, dry_run: bool) -> bool:
    """Large files run as a job; dry runs and small files answer in the request."""
    size = getattr(file, "size", None) or 0
    return not dry_run and size > settings.REGISTRY_IMPORT_BACKGROUND_BYTES


def persons_import_start(*, actor: User, file) -> Job:
    """Queue the import of an uploaded file; JobAlreadyRunning (409) if the same file is being
    imported already, by anyone. The caller has checked the actor's role."""
    data = read_upload(file, limit=settings.REGISTRY_MAX_UPLOAD_BYTES)
    file_format = file_kind(getattr(file, "name", ""), data)
    communes = user_commune_codes(actor)
    return job_start(
        actor=actor,
        task=persons_import_job,
        dedupe_key=dedupe_key(KIND, data),
        commune_code=next(iter(communes)) if communes and len(communes) == 1 else "",
        # The file name may name people: only its format is kept.
        params={"format": file_format},
        inputs={"file": data},
    )


def _result(result: ImportResult) -> dict:
    return {"created": result.created, "households_created": result.households_created}


@job_task(kind=KIND)
def persons_import_job(run: JobRun) -> dict:
    upload = ContentFile(run.input("file"), name=f"upload.{run.params['format']}")
    result = persons_import(
        actor=run.actor,
        file=upload,
        progress=run.progress,
        before_commit=lambda saved: run.seal(_result(saved)),
    )
    return _result(result)
