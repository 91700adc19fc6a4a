"""GET /api/v1/audit-events/: auditors browse and filter the audit trail (hash chain included)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from registry.api.permissions import requires
from registry.audit_selectors import audit_events_list


class AuditEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sequence = serializers.IntegerField(help_text="Số thứ tự trong chuỗi, liên tục từ 1.")
    at = serializers.DateTimeField()
    actor = serializers.CharField(
        source="actor.username", allow_null=True, read_only=True, help_text="Tên đăng nhập."
    )
    action = serializers.CharField(help_text="Mã hành động, ví dụ case.approved.")
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    commune_code = serializers.CharField()
    data = serializers.JSONField(help_text="Mã, số hiệu, tên trường; không có dữ liệu cá nhân.")
    prev_hash = serializers.CharField(help_text="Mã băm của sự kiện liền trước.")
    hash = serializers.CharField(help_text="SHA-256 của sự kiện (gồm prev_hash).")


class AuditEventListApi(GenericAPIView):
    permission_classes = [requires("registry.view_auditevent")]
    serializer_class = AuditEventOutput

    @extend_schema(
        tags=["audit-events"],
        summary="Nhật ký kiểm toán",
        description=(
            "Mọi sự kiện, mới nhất trước. Mỗi sự kiện mang mã băm của sự kiện trước: "
            "`manage.py verify_audit` kiểm tra cả chuỗi."
        ),
        parameters=[
            OpenApiParameter("actor", str, description="Tên đăng nhập của người thực hiện"),
            OpenApiParameter("action", str, description="Mã hành động, ví dụ case.approved"),
            OpenApiParameter("object_type", str, description="Loại đối tượng, ví dụ case"),
            OpenApiParameter("object_id", str, description="Mã số (id) đối tượng"),
            OpenApiParameter("commune", str, description="Mã xã (5 chữ số)"),
            OpenApiParameter("from", str, description="Từ ngày (YYYY-MM-DD), tính cả ngày đó"),
            OpenApiParameter("to", str, description="Đến ngày (YYYY-MM-DD), tính cả ngày đó"),
        ],
        responses=AuditEventOutput(many=True),
    )
    def get(self, request):
        events = audit_events_list(filters=request.query_params)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(AuditEventOutput(page, many=True).data)
