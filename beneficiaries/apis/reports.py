"""Reports over the registry: the consistency report for fraud and error (approvers, auditors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from beneficiaries.consistency import PERMISSION, FindingKind, consistency_report_build
from registry.api.permissions import requires


class ConsistencyReportQuery(serializers.Serializer):
    commune = serializers.RegexField(
        r"^\d{5}$",
        required=False,
        help_text="Mã xã (5 chữ số). Bỏ trống: mọi xã của người dùng (kiểm toán viên: mọi xã).",
    )


class ConsistencyFindingOutput(serializers.Serializer):
    # Every kind of the contract, including those whose check arrives with a later app.
    kind = serializers.ChoiceField(choices=list(FindingKind.labels.items()))
    detail = serializers.CharField(
        help_text="Mô tả bằng tiếng Việt; chỉ có mã (mã an sinh xã hội, mã hộ, mã xã, số hồ sơ), "
        "không có họ tên hay số định danh."
    )
    person_ids = serializers.ListField(child=serializers.IntegerField())
    case_ids = serializers.ListField(child=serializers.IntegerField())


class ConsistencyReportOutput(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    commune = serializers.CharField(allow_null=True, help_text="Mã xã được yêu cầu, hoặc null.")
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Số phát hiện theo từng loại đã được rà soát (kể cả 0).",
    )
    findings = ConsistencyFindingOutput(many=True)


class ConsistencyReportApi(APIView):
    permission_classes = [requires(PERMISSION)]

    @extend_schema(
        tags=["reports"],
        operation_id="reports_consistency",
        summary="Báo cáo rà soát trục lợi chính sách",
        description=(
            "Người đã mất còn hồ sơ đang mở, một người có hồ sơ đang mở ở hai xã, hộ người có "
            "công là hộ nghèo, có thể trùng người (họ tên chuẩn hoá + ngày sinh, hoặc số định "
            "danh). Phạm vi: các xã của người dùng; kiểm toán viên xem mọi xã."
        ),
        parameters=[ConsistencyReportQuery],
        responses={
            200: ConsistencyReportOutput,
            400: OpenApiResponse(description=_("Mã xã không hợp lệ.")),
            403: OpenApiResponse(description=_("Không có quyền xem báo cáo.")),
            404: OpenApiResponse(description=_("Xã ngoài phạm vi người dùng.")),
        },
    )
    def get(self, request):
        query = ConsistencyReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = consistency_report_build(
            actor=request.user, commune_code=query.validated_data.get("commune")
        )
        return Response(ConsistencyReportOutput(report).data)
