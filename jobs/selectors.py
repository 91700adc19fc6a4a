"""Reads of jobs: a job is visible to the user who started it and to auditors (view_any_job)."""

from __future__ import annotations

from django.db.models import QuerySet

from jobs.models import Job
from registry.exceptions import NotFound
from registry.models import User

VIEW_ANY_JOB = "jobs.view_any_job"


def jobs_visible_to(user: User) -> QuerySet[Job]:
    if not (user and user.is_authenticated):
        return Job.objects.none()
    jobs = Job.objects.order_by("-created_at", "-id")
    if user.is_superuser or user.has_perm(VIEW_ANY_JOB):
        return jobs
    return jobs.filter(started_by=user)


def job_get(*, user: User, job_id) -> Job:
    """The job, or 404 exactly as for a job that does not exist."""
    try:
        return jobs_visible_to(user).get(pk=int(job_id))
    except (Job.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None
