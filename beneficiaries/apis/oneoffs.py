"""Decisions on proposed case adjustments, and one-off entitlements after a death."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from beneficiaries import selectors_entitlements, services
from beneficiaries.apis import serializers_cases as s
from beneficiaries.apis.common import RegistryViewSet, paginate
from beneficiaries.models import CaseAdjustment, OneOffEntitlement, OneOffStatus


@extend_schema(tags=["case-adjustments"])
class CaseAdjustmentViewSet(RegistryViewSet):
    queryset = CaseAdjustment.objects.none()
    lookup_value_regex = r"[0-9]+"
    required_permissions = {
        "retrieve": "beneficiaries.view_case",
        "approve": "beneficiaries.decide_case",
        "reject": "beneficiaries.decide_case",
    }

    @extend_schema(summary="Chi tiết đề xuất điều chỉnh", responses=s.AdjustmentOutput)
    def retrieve(self, request, pk=None):
        adjustment = selectors_entitlements.adjustment_get(user=request.user, adjustment_id=pk)
        return Response(s.AdjustmentOutput(adjustment).data)

    @extend_schema(
        summary="Quyết định điều chỉnh (người khác người đề xuất)",
        request=s.DecisionInput,
        responses=s.AdjustmentOutput,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        adjustment = selectors_entitlements.adjustment_get(user=request.user, adjustment_id=pk)
        data = self.valid(s.DecisionInput, request.data)
        decided = services.case_adjustment_approve(
            actor=request.user, adjustment_id=adjustment.pk, **data
        )
        return Response(s.AdjustmentOutput(decided).data)

    @extend_schema(summary="Từ chối đề xuất điều chỉnh", request=s.ReasonInput,
                   responses=s.AdjustmentOutput)  # fmt: skip
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        adjustment = selectors_entitlements.adjustment_get(user=request.user, adjustment_id=pk)
        data = self.valid(s.ReasonInput, request.data)
        decided = services.case_adjustment_reject(
            actor=request.user, adjustment_id=adjustment.pk, **data
        )
        return Response(s.AdjustmentOutput(decided).data)


@extend_schema_view(
    list=extend_schema(
        summary="Trợ cấp một lần (mai táng, trợ cấp khi từ trần)",
        parameters=[OpenApiParameter("status", str, enum=OneOffStatus.values)],
        responses=s.OneOffOutput(many=True),
    ),
    create=extend_schema(
        summary="Nhận đơn của gia đình/người tổ chức mai táng",
        request=s.OneOffInput,
        responses={201: s.OneOffOutput},
    ),
    retrieve=extend_schema(summary="Chi tiết trợ cấp một lần", responses=s.OneOffOutput),
)
@extend_schema(tags=["one-offs"])
class OneOffViewSet(RegistryViewSet):
    queryset = OneOffEntitlement.objects.none()
    lookup_value_regex = r"[0-9]+"
    required_permissions = {
        "list": "beneficiaries.view_oneoffentitlement",
        "retrieve": "beneficiaries.view_oneoffentitlement",
        "create": "beneficiaries.add_oneoffentitlement",
        "approve": "beneficiaries.decide_one_off",
        "reject": "beneficiaries.decide_one_off",
    }

    def list(self, request):
        one_offs = selectors_entitlements.one_offs_list(
            user=request.user, filters=request.query_params
        )
        return paginate(self, one_offs, s.OneOffOutput)

    def retrieve(self, request, pk=None):
        one_off = selectors_entitlements.one_off_get(user=request.user, one_off_id=pk)
        return Response(s.OneOffOutput(one_off).data)

    def create(self, request):
        data = dict(self.valid(s.OneOffInput, request.data))
        one_off = services.one_off_apply(actor=request.user, **data)
        one_off = selectors_entitlements.one_off_get(user=request.user, one_off_id=one_off.pk)
        return Response(s.OneOffOutput(one_off).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Quyết định trợ cấp một lần", request=s.DecisionInput,
                   responses=s.OneOffOutput)  # fmt: skip
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        one_off = selectors_entitlements.one_off_get(user=request.user, one_off_id=pk)
        data = self.valid(s.DecisionInput, request.data)
        services.one_off_approve(actor=request.user, one_off_id=one_off.pk, **data)
        return self.retrieve(request, pk=one_off.pk)

    @extend_schema(summary="Từ chối trợ cấp một lần", request=s.ReasonInput,
                   responses=s.OneOffOutput)  # fmt: skip
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        one_off = selectors_entitlements.one_off_get(user=request.user, one_off_id=pk)
        data = self.valid(s.ReasonInput, request.data)
        services.one_off_reject(actor=request.user, one_off_id=one_off.pk, **data)
        return self.retrieve(request, pk=one_off.pk)
