"""Households and their poverty assessments."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from beneficiaries import selectors, services
from beneficiaries.apis import serializers as s
from beneficiaries.apis.common import RegistryViewSet, paginate
from beneficiaries.models import Household


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách hộ",
        parameters=[
            OpenApiParameter("commune", str, description="Mã xã (5 chữ số)"),
            OpenApiParameter("code", str, description="Mã hộ"),
        ],
        responses=s.HouseholdOutput(many=True),
    ),
    create=extend_schema(
        summary="Đăng ký hộ", request=s.HouseholdInput, responses={201: s.HouseholdOutput}
    ),
    retrieve=extend_schema(summary="Chi tiết hộ", responses=s.HouseholdOutput),
    partial_update=extend_schema(
        summary="Sửa hộ", request=s.HouseholdPatch, responses=s.HouseholdOutput
    ),
)
@extend_schema(tags=["households"])
class HouseholdViewSet(RegistryViewSet):
    queryset = Household.objects.none()  # for the schema's path types only
    lookup_value_regex = r"[0-9]+"
    required_permissions = {
        "history": "beneficiaries.view_household",
        "list": "beneficiaries.view_household",
        "retrieve": "beneficiaries.view_household",
        "create": "beneficiaries.add_household",
        "partial_update": "beneficiaries.change_household",
        "poverty_assessments": "beneficiaries.view_povertyassessment",
    }

    def list(self, request):
        households = selectors.households_list(user=request.user, filters=request.query_params)
        return paginate(self, households, s.HouseholdOutput)

    def create(self, request):
        data = self.valid(s.HouseholdInput, request.data)
        household = services.household_register(actor=request.user, **data)
        return Response(s.HouseholdOutput(household).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        household = selectors.household_get(user=request.user, household_id=pk)
        return Response(s.HouseholdOutput(household).data)

    def partial_update(self, request, pk=None):
        changes = self.valid(s.HouseholdPatch, request.data)
        household = services.household_update(actor=request.user, household_id=pk, changes=changes)
        return Response(s.HouseholdOutput(household).data)

    @extend_schema(
        methods=["GET"],
        summary="Kết quả rà soát hộ nghèo của hộ",
        responses=s.PovertyAssessmentOutput(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Ghi kết quả rà soát hộ nghèo",
        request=s.PovertyAssessmentInput,
        responses={201: s.PovertyAssessmentOutput},
    )
    @action(detail=True, methods=["get", "post"], url_path="poverty-assessments")
    def poverty_assessments(self, request, pk=None):
        if request.method == "GET":
            assessments = selectors.poverty_assessments_list(user=request.user, household_id=pk)
            return paginate(self, assessments, s.PovertyAssessmentOutput)
        data = self.valid(s.PovertyAssessmentInput, request.data)
        assessment = services.poverty_assessment_record(actor=request.user, household_id=pk, **data)
        return Response(s.PovertyAssessmentOutput(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Lịch sử thay đổi", responses=s.HistoryOutput(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        obj = selectors.household_get(user=request.user, household_id=pk)
        return paginate(self, selectors.object_history(obj=obj), s.HistoryOutput)
