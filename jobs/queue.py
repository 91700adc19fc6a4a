"""The one place that knows the Tasks backend: enqueue a job's task and read what the queue says.

Django's Tasks framework comes from the `django-tasks` backport on Django 5.2 and from
`django.tasks` on Django 6; the database backend is the `django-tasks-db` package.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

try:  # Django 6.0+
    from django.tasks import Task, task
except ImportError:  # Django 5.2: the backport
    from django_tasks import task
    from django_tasks.base import Task

__all__ = ["Task", "task", "enqueue", "task_is_waiting", "task_mark_lost"]


def _on_database_backend(task_: Task) -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - the package is a requirement
        return False
    return isinstance(task_.get_backend(), DatabaseBackend)


def enqueue(job, task_: Task) -> Callable[[], None]:
    """Queue `task_(job.pk)`; the caller must be inside the transaction that writes `job`.

    On the database backend the queue row is written now, so it commits or rolls back with the
    job (no job without its task, no task without its job), and the returned callable does
    nothing. Other backends (the immediate backend of the tests runs the task at once) must
    not see the job before it is committed: the caller invokes the returned callable after its
    transaction.
    """
    if _on_database_backend(task_):
        result = task_.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
        return lambda: None
    return lambda: task_.enqueue(job.pk)


def task_is_waiting(job) -> bool | None:
    """Whether the job's queue row still waits for a worker (None: the backend cannot say)."""
    task_ = _task_of(job)
    if task_ is None or not _on_database_backend(task_):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()


def task_mark_lost(job) -> None:
    """Close the queue row of a run whose worker died (it would say RUNNING forever)."""
    task_ = _task_of(job)
    if not job.task_id or task_ is None or not _on_database_backend(task_):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="jobs.queue.WorkerLost",
        traceback="",
    )


def _task_of(job) -> Task | None:
    from django.utils.module_loading import import_string

    try:
        found = import_string(job.task_path)
    except ImportError:
        return None
    return found if isinstance(found, Task) else None


def task_for(job) -> Task:
    """The Task a job runs on, from its stored module path (how the jobs app reaches an
    operation without importing the app that defines it)."""
    found = _task_of(job)
    if found is None:
        raise LookupError(f"job {job.pk}: task {job.task_path!r} is not a Task")
    return found
