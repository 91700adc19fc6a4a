"""GET /api/v1/jobs/ and /api/v1/jobs/{id}/: what a client polls to follow a long operation."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from jobs.exceptions import JOB_ERROR_MESSAGES
from jobs.models import JobStatus
from jobs.selectors import job_get, jobs_visible_to


class JobProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total", help_text="0 khi chưa biết.")
    message = serializers.CharField(source="progress_message")


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="Loại việc, ví dụ persons_import.")
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = JobProgressSerializer(source="*")
    result = serializers.JSONField(
        allow_null=True,
        help_text="Khi done: kết quả của thao tác (mã, số đếm; không có dữ liệu cá nhân).",
    )
    error = serializers.SerializerMethodField(
        help_text="Khi failed: như phần error của phong bì lỗi ({code, message, fields, …})."
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_error(self, job) -> dict | None:
        if job.error is None:
            return None
        error = dict(job.error)
        if error.get("code") in JOB_ERROR_MESSAGES:
            # The jobs app's own failures read in the reader's language.
            error["message"] = str(JOB_ERROR_MESSAGES[error["code"]])
        return error


@extend_schema_view(
    list=extend_schema(
        tags=["jobs"],
        summary="Các việc chạy nền của tôi",
        description="Việc do người dùng bắt đầu, mới nhất trước; kiểm toán viên thấy mọi việc.",
    ),
    retrieve=extend_schema(
        tags=["jobs"],
        summary="Trạng thái và tiến độ một việc chạy nền",
        description=(
            "queued → running → done | failed. Chỉ người bắt đầu việc và kiểm toán viên xem "
            "được; việc của người khác trả 404 như việc không tồn tại. Hỏi lại mỗi 1–2 giây "
            "để theo dõi tiến độ."
        ),
    ),
)
class JobViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = JobSerializer

    def get_queryset(self):
        return jobs_visible_to(self.request.user)

    def retrieve(self, request, pk=None):
        return Response(JobSerializer(job_get(user=request.user, job_id=pk)).data)
