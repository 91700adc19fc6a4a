"""Job records: one per long operation, with its state, progress, outcome and encrypted inputs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from registry.fields import EncryptedTextField


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Thất bại")


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
ENDED_STATUSES = (JobStatus.DONE, JobStatus.FAILED)


class Job(models.Model):
    """One long operation started by a user. `result` and `error` hold ids, counts and codes only."""

    kind = models.CharField(_("loại việc"), max_length=60)
    # The Task (module path) that runs this job; a re-queued job is enqueued on it again.
    task_path = models.CharField(max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    commune_code = models.CharField(max_length=5, blank=True, default="")
    # What makes two starts "the same operation" (e.g. a keyed hash of the uploaded file).
    dedupe_key = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    # The language of the request that started the job: messages are written in it.
    language = models.CharField(max_length=10, default="vi")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True, default="")
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("view_any_job", _("Xem mọi việc chạy nền"))]
        constraints = [
            # Never two runs of the same operation at once: the database refuses the second.
            models.UniqueConstraint(
                fields=["kind", "dedupe_key"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="job_one_active_per_dedupe_key",
            ),
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="job_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=ENDED_STATUSES, finished_at__isnull=False)
                    | Q(status__in=ACTIVE_STATUSES, finished_at__isnull=True)
                ),
                name="job_finished_iff_ended",
            ),
            models.CheckConstraint(
                condition=~Q(status=JobStatus.DONE) | Q(result__isnull=False),
                name="job_done_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(status=JobStatus.FAILED) | Q(error__isnull=False),
                name="job_failed_has_error",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="job_progress_within_total",
            ),
        ]
        indexes = [
            models.Index(fields=["started_by", "-created_at"], name="job_started_by_idx"),
            models.Index(fields=["status", "lease_expires_at"], name="job_status_lease_idx"),
        ]
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.status}"


class JobInput(models.Model):
    """An input of a job that may hold personal data (an uploaded spreadsheet): encrypted at rest
    (base64 of the bytes in an AES-GCM column), deleted in the transaction that ends the job."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="inputs")
    name = models.CharField(max_length=40)
    content = EncryptedTextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "name"], name="job_input_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.name}"
