"""Recoveries: list what cases owe back, settle one repaid in cash or waived by a decision."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from payments import selectors, services
from payments.apis import serializers as s
from payments.models import PaymentRecovery
from registry.api.permissions import ActionPermission


@extend_schema(tags=["payment-recoveries"])
class PaymentRecoveryViewSet(viewsets.GenericViewSet):
    queryset = PaymentRecovery.objects.none()  # for the schema's path types only
    lookup_value_regex = r"[0-9]+"
    permission_classes = [ActionPermission]
    required_permissions = {
        "list": "payments.view_paymentbatch",
        # Recording money that came back (or a decision not to ask for it) is reconciliation.
        "settle": "payments.reconcile_paymentbatch",
    }

    @extend_schema(
        summary="Danh sách khoản thu hồi",
        parameters=[OpenApiParameter("status", str, description="open|deducted|recovered|waived"),
                    OpenApiParameter("commune", str), OpenApiParameter("case", int)],
        responses=s.PaymentRecoveryOutput(many=True),
    )  # fmt: skip
    def list(self, request):
        recoveries = selectors.payment_recoveries_list(
            user=request.user, filters=request.query_params
        )
        page = self.paginate_queryset(recoveries)
        return self.get_paginated_response(s.PaymentRecoveryOutput(page, many=True).data)

    @extend_schema(
        summary="Ghi nhận khoản thu hồi đã nộp lại bằng tiền mặt hoặc được miễn",
        request=s.PaymentRecoverySettleInput,
        responses=s.PaymentRecoveryOutput,
    )
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        selectors.payment_recovery_get(user=request.user, recovery_id=pk)  # 404 before 400
        data = s.PaymentRecoverySettleInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.payment_recovery_settle(actor=request.user, recovery_id=pk, **data.validated_data)
        recovery = selectors.payment_recovery_get(user=request.user, recovery_id=pk)
        return Response(s.PaymentRecoveryOutput(recovery).data)
