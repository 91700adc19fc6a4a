"""Cases: one person in one programme, through the four-eyes workflow."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from beneficiaries import selectors, services
from beneficiaries.apis import serializers as s
from beneficiaries.apis.common import RegistryViewSet, paginate
from beneficiaries.models import CATEGORY_CHOICES, Case, CaseStatus, Programme


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách hồ sơ hưởng",
        parameters=[
            OpenApiParameter("status", str, enum=CaseStatus.values),
            OpenApiParameter("programme", str, enum=Programme.values),
            OpenApiParameter("category", str, enum=[c for c, _ in CATEGORY_CHOICES]),
            OpenApiParameter("commune", str, description="Mã xã"),
            OpenApiParameter("person", int, description="Mã số (id) cá nhân"),
        ],
        responses=s.CaseOutput(many=True),
    ),
    create=extend_schema(
        summary="Lập hồ sơ (nháp)", request=s.CaseInput, responses={201: s.CaseOutput}
    ),
    retrieve=extend_schema(summary="Chi tiết hồ sơ", responses=s.CaseOutput),
    partial_update=extend_schema(
        summary="Sửa hồ sơ nháp", request=s.CasePatch, responses=s.CaseOutput
    ),
)
@extend_schema(tags=["cases"])
class CaseViewSet(RegistryViewSet):
    queryset = Case.objects.none()  # for the schema's path types only
    lookup_value_regex = r"[0-9]+"
    required_permissions = {
        "history": "beneficiaries.view_case",
        "list": "beneficiaries.view_case",
        "retrieve": "beneficiaries.view_case",
        "create": "beneficiaries.add_case",
        "partial_update": "beneficiaries.change_case",
        "submit": "beneficiaries.submit_case",
        "approve": "beneficiaries.decide_case",
        "reject": "beneficiaries.decide_case",
        "suspend": "beneficiaries.decide_case",
        "resume": "beneficiaries.decide_case",
        "terminate": "beneficiaries.decide_case",
    }

    def _out(self, case, status_code=status.HTTP_200_OK):
        case = selectors.case_get(user=self.request.user, case_id=case.pk)
        return Response(s.CaseOutput(case).data, status=status_code)

    def list(self, request):
        cases = selectors.cases_list(user=request.user, filters=request.query_params)
        return paginate(self, cases, s.CaseOutput)

    def create(self, request):
        data = dict(self.valid(s.CaseInput, request.data))
        person = selectors.person_get(user=request.user, person_id=data.pop("person_id"))
        case = services.case_create(actor=request.user, person_id=person.pk, **data)
        return self._out(case, status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return Response(s.CaseOutput(selectors.case_get(user=request.user, case_id=pk)).data)

    def partial_update(self, request, pk=None):
        case = selectors.case_get(user=request.user, case_id=pk)
        changes = self.valid(s.CasePatch, request.data)
        return self._out(services.case_update(actor=request.user, case_id=case.pk, changes=changes))

    def _act(self, pk, service, input_serializer=None):
        case = selectors.case_get(user=self.request.user, case_id=pk)
        data = self.valid(input_serializer, self.request.data) if input_serializer else {}
        return self._out(service(actor=self.request.user, case_id=case.pk, **data))

    @extend_schema(summary="Trình hồ sơ", request=None, responses=s.CaseOutput)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(pk, services.case_submit)

    @extend_schema(
        summary="Phê duyệt (người phê duyệt khác người trình)",
        request=s.ApproveInput,
        responses=s.CaseOutput,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(pk, services.case_approve, s.ApproveInput)

    @extend_schema(summary="Từ chối hồ sơ", request=s.ReasonInput, responses=s.CaseOutput)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(pk, services.case_reject, s.ReasonInput)

    @extend_schema(summary="Tạm dừng hưởng", request=s.ReasonMonthInput, responses=s.CaseOutput)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._act(pk, services.case_suspend, s.ReasonMonthInput)

    @extend_schema(summary="Tiếp tục hưởng", request=s.ResumeInput, responses=s.CaseOutput)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._act(pk, services.case_resume, s.ResumeInput)

    @extend_schema(summary="Chấm dứt hưởng", request=s.ReasonMonthInput, responses=s.CaseOutput)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        return self._act(pk, services.case_terminate, s.ReasonMonthInput)

    @extend_schema(summary="Lịch sử thay đổi", responses=s.HistoryOutput(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        obj = selectors.case_get(user=request.user, case_id=pk)
        return paginate(self, selectors.object_history(obj=obj), s.HistoryOutput)
