"""Bulk import endpoints: upload a filled template (.xlsx/.csv), or download the empty template."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from beneficiaries.imports import (
    IMPORT_PERMISSION,
    TEMPLATE_FILENAME,
    XLSX_CONTENT_TYPE,
    persons_import,
    persons_import_template,
)
from beneficiaries.imports.job import import_runs_in_background, persons_import_start
from jobs.apis import JobSerializer
from registry.api.permissions import requires


class PersonsImportInput(serializers.Serializer):
    file = serializers.FileField(
        help_text="Tệp .xlsx theo mẫu, hoặc .csv UTF-8 (có hoặc không có BOM); dòng 1 là tiêu đề."
    )
    dry_run = serializers.BooleanField(
        required=False,
        default=False,
        help_text="1 = chỉ kiểm tra và đếm, không lưu gì.",
    )


class PersonsImportOutput(serializers.Serializer):
    created = serializers.IntegerField(help_text="Số người được thêm (hoặc sẽ được thêm).")
    households_created = serializers.IntegerField(help_text="Số hộ mới được tạo.")
    dry_run = serializers.BooleanField()


class PersonsImportErrorRow(serializers.Serializer):
    row = serializers.IntegerField(help_text="Số dòng như trong Excel; dòng tiêu đề là dòng 1.")
    column = serializers.CharField(help_text="Tên cột tiếng Việt như trong mẫu.")
    message = serializers.CharField()


class PersonsImportErrorBody(serializers.Serializer):
    code = serializers.CharField(
        help_text="import_invalid, unsupported_file, invalid, parse_error … (docs/api.md)"
    )
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    rows = PersonsImportErrorRow(many=True, required=False)
    truncated = serializers.BooleanField(
        required=False, help_text="true khi có hơn 1.000 lỗi và chỉ 1.000 lỗi đầu được liệt kê."
    )


class PersonsImportError(serializers.Serializer):
    error = PersonsImportErrorBody()


class PersonsImportApi(APIView):
    permission_classes = [requires(IMPORT_PERMISSION)]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["imports"],
        operation_id="imports_persons_create",
        summary="Nhập hộ và nhân khẩu từ tệp",
        description=(
            "Kiểm tra mọi dòng (bắt buộc, mã xã thuộc xã được giao, ngày sinh, giới tính, quan "
            "hệ, số định danh, số điện thoại, trùng trong tệp và trùng với sổ, mỗi hộ mới đúng "
            "một chủ hộ) rồi lưu tất cả trong một giao dịch, hoặc không lưu gì và trả về danh "
            "sách lỗi theo dòng và cột. `dry_run=1`: chỉ kiểm tra. Tệp lớn hơn "
            "REGISTRY_IMPORT_BACKGROUND_BYTES (mặc định 256 KiB) chạy nền: trả 202 với việc "
            "(GET /api/v1/jobs/{id}/), kết quả của việc là {created, households_created} hoặc "
            "lỗi import_invalid với cùng danh sách dòng. Gửi lại cùng tệp khi việc đang chạy: "
            "409 job_already_running với job_id."
        ),
        request={"multipart/form-data": PersonsImportInput},
        responses={
            200: PersonsImportOutput,
            202: OpenApiResponse(JobSerializer, description="Tệp lớn: việc chạy nền."),
            400: OpenApiResponse(
                PersonsImportError,
                description="`import_invalid` (lỗi theo dòng, không lưu gì) hoặc "
                "`unsupported_file` (không phải .xlsx/.csv UTF-8).",
            ),
            403: OpenApiResponse(description="Không có quyền nhập (error envelope)."),
            413: OpenApiResponse(description="Tệp vượt giới hạn (`request_too_large`)."),
        },
    )
    def post(self, request):
        serializer = PersonsImportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if import_runs_in_background(upload, dry_run=serializer.validated_data["dry_run"]):
            job = persons_import_start(actor=request.user, file=upload)
            return Response(
                JobSerializer(job).data,
                status=202,
                headers={"Location": f"/api/v1/jobs/{job.pk}/"},
            )
        result = persons_import(
            actor=request.user,
            file=serializer.validated_data["file"],
            dry_run=serializer.validated_data["dry_run"],
        )
        return Response(PersonsImportOutput(result).data)


class PersonsImportTemplateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["imports"],
        operation_id="imports_persons_template",
        summary="Tải mẫu nhập (.xlsx)",
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="Mẫu Excel: trang «Danh sách» với tiêu đề tiếng Việt và trang "
                "«Hướng dẫn» giải thích từng cột.",
            ),
        },
    )
    def get(self, request):
        response = HttpResponse(persons_import_template(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
        return response
