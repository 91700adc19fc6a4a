"""Payment batches: generate, read, lines, approve, cancel, regenerate, export, reconcile."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from jobs.apis import JobSerializer
from payments import exporting, selectors, services
from payments.apis import serializers as s
from payments.bank_answers import BankAnswerError, parse_bank_answer
from payments.exports import EXPORTERS
from payments.jobs import batch_runs_in_background, payment_batch_generate_start
from payments.models import PaymentBatch
from registry.api.permissions import ActionPermission
from registry.exceptions import ValidationFailed

VIEW = "payments.view_paymentbatch"
ADD = "payments.add_paymentbatch"


class FormatIsAFileFormat(DefaultContentNegotiation):
    """`?format=` names the file to export here, not a DRF renderer: errors stay JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _paginate(view, queryset, serializer_class):
    page = view.paginate_queryset(queryset)
    return view.get_paginated_response(serializer_class(page, many=True).data)


@extend_schema(tags=["payment-batches"])
class PaymentBatchViewSet(viewsets.GenericViewSet):
    queryset = PaymentBatch.objects.none()  # for the schema's path types only
    lookup_value_regex = r"[0-9]+"
    permission_classes = [ActionPermission]
    required_permissions = {
        "list": VIEW,
        "retrieve": VIEW,
        "lines": VIEW,
        "create": ADD,
        "regenerate": ADD,
        "cancel": ADD,
        "approve": "payments.approve_paymentbatch",
        "export": "payments.export_paymentbatch",
        "reconcile": "payments.reconcile_paymentbatch",
    }

    def get_content_negotiator(self):
        if getattr(self, "action", None) == "export":
            return FormatIsAFileFormat()
        return super().get_content_negotiator()

    def get_parsers(self):
        if getattr(self, "action", None) == "reconcile":
            return [MultiPartParser(), FormParser()]
        return super().get_parsers()

    @extend_schema(
        summary="Danh sách đợt chi trả",
        parameters=[OpenApiParameter("period", str, description="YYYY-MM"),
                    OpenApiParameter("status", str)],
        responses=s.PaymentBatchOutput(many=True),
    )  # fmt: skip
    def list(self, request):
        batches = selectors.payment_batches_list(user=request.user, filters=request.query_params)
        return _paginate(self, batches.prefetch_related("communes"), s.PaymentBatchOutput)

    @extend_schema(
        summary="Lập đợt chi trả cho một kỳ và các xã",
        description=(
            "Đợt có nhiều hơn REGISTRY_PAYMENTS_BACKGROUND_FROM_CASES hồ sơ (mặc định 5000) được "
            "lập ở chế độ nền: trả 202 với việc (Location: /api/v1/jobs/{id}/); kết quả của việc "
            "có batch_id."
        ),
        request=s.PaymentBatchInput,
        responses={201: s.PaymentBatchOutput,
                   202: OpenApiResponse(JobSerializer, description="Đợt lớn: việc chạy nền."),
                   409: OpenApiResponse(description="`nothing_to_pay`: không còn ai cần chi trả; "
                                        "`job_already_running`: kỳ và các xã này đang được lập.")},
    )  # fmt: skip
    def create(self, request):
        serializer = s.PaymentBatchInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        if batch_runs_in_background(actor=request.user, **serializer.validated_data):
            job = payment_batch_generate_start(actor=request.user, **serializer.validated_data)
            return Response(
                JobSerializer(job).data,
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": f"/api/v1/jobs/{job.pk}/"},
            )
        batch = services.payment_batch_generate(actor=request.user, **serializer.validated_data)
        return Response(s.PaymentBatchOutput(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Chi tiết đợt chi trả", responses=s.PaymentBatchOutput)
    def retrieve(self, request, pk=None):
        batch = selectors.payment_batch_get(user=request.user, batch_id=pk)
        return Response(s.PaymentBatchOutput(batch).data)

    @extend_schema(
        summary="Các dòng của đợt chi trả",
        parameters=[OpenApiParameter("status", str, enum=["pending", "paid", "failed"])],
        responses=s.PaymentLineOutput(many=True),
    )
    @action(detail=True, methods=["get"])
    def lines(self, request, pk=None):
        batch = selectors.payment_batch_get(user=request.user, batch_id=pk)
        lines = selectors.payment_lines_list(batch=batch, filters=request.query_params)
        return _paginate(self, lines, s.PaymentLineOutput)

    def _transition(self, service, pk):
        batch = service(actor=self.request.user, batch_id=pk)
        return Response(s.PaymentBatchOutput(batch).data)

    @extend_schema(summary="Duyệt đợt chi trả (người khác người lập)", request=None,
                   responses=s.PaymentBatchOutput)  # fmt: skip
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(services.payment_batch_approve, pk)

    @extend_schema(summary="Lập lại đợt chi trả nháp", request=None,
                   responses=s.PaymentBatchOutput)  # fmt: skip
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        return self._transition(services.payment_batch_regenerate, pk)

    @extend_schema(summary="Hủy đợt chi trả chưa xuất tệp", request=None,
                   responses=s.PaymentBatchOutput)  # fmt: skip
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(services.payment_batch_cancel, pk)

    @extend_schema(
        summary="Xuất tệp chi trả (xlsx, csv, pain.001; cash_xlsx: bảng kê tiền mặt)",
        parameters=[OpenApiParameter("format", str, enum=sorted(EXPORTERS), required=True)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        file_format = request.query_params.get("format", "")
        exported = exporting.batch_file(actor=request.user, batch_id=pk, file_format=file_format)
        response = StreamingHttpResponse(exported.chunks, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response

    @extend_schema(
        summary="Đối soát: nhập tệp trả lời của ngân hàng hoặc bảng kê tiền mặt",
        request={"multipart/form-data": s.ReconcileInput},
        responses={200: s.ReconcileOutput,
                   409: OpenApiResponse(description="`paid_line_not_reversible`: không đổi gì.")},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def reconcile(self, request, pk=None):
        serializer = s.ReconcileInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        selectors.payment_batch_get(user=request.user, batch_id=pk)  # 404 before the file
        try:
            answers = parse_bank_answer(upload.read(), upload.name or "")
        except BankAnswerError as exc:
            message = exc.message
            raise ValidationFailed(
                message, code="invalid_bank_answer", fields={"file": [message]}
            ) from None
        result = services.payment_batch_reconcile(
            actor=request.user, batch_id=pk, answers=answers, filename=upload.name or ""
        )
        return Response(s.ReconcileOutput(result).data)
