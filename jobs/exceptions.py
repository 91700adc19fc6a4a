"""Errors of the jobs app, in the registry's one hierarchy (so the API answers the envelope)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.exceptions import Conflict


class JobAlreadyRunning(Conflict):
    """The same operation is already queued or running: 409 with the running job's id."""

    code = "job_already_running"

    def __init__(self, job):
        super().__init__(
            _("Việc này đang chạy (mã việc %(id)s); không chạy lần thứ hai.") % {"id": job.pk}
        )
        self.job = job
        self.extra = {"job_id": job.pk}


class JobLeaseLost(BaseException):
    """This run no longer holds the job (its lease expired and another run took it over).

    A BaseException, like KeyboardInterrupt, so that an operation's `except Exception` does not
    turn it into an ordinary failure: the run stops and writes nothing more.
    """


# Messages of the failures the jobs app itself records; translated when read, so every reader
# sees them in their own language.
JOB_ERROR_MESSAGES = {
    "job_error": gettext_lazy(
        "Lỗi máy chủ khi chạy việc; chưa có dữ liệu nào được lưu. Hãy thử lại hoặc báo mã "
        "việc cho quản trị viên."
    ),
    "job_interrupted": gettext_lazy(
        "Việc bị gián đoạn nhiều lần (máy chạy việc dừng giữa chừng); chưa có dữ liệu nào được "
        "lưu. Hãy thử lại hoặc báo mã việc cho quản trị viên."
    ),
}


def job_error_body(code: str) -> dict:
    return {"code": code, "message": str(JOB_ERROR_MESSAGES[code]), "fields": {}}
