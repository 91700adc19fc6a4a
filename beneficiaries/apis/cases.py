"""Cases: one person in one programme, through the four-eyes workflow, with what they are owed."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from beneficiaries import selectors, selectors_entitlements, services
from beneficiaries.apis import serializers_cases as s
from beneficiaries.apis.common import RegistryViewSet, paginate
from beneficiaries.apis.serializers import HistoryOutput
from beneficiaries.entitlements import month_start
from beneficiaries.models import CATEGORY_CHOICES, Case, CaseStatus, Programme
from beneficiaries.review import review_list


def _month_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, description=description, pattern=r"^\d{4}-\d{2}$")


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
        "entitlements": "beneficiaries.view_case",
        "approval_preview": "beneficiaries.view_case",
        "adjustments": "beneficiaries.view_case",
        "review": "beneficiaries.view_case",
        "create": "beneficiaries.add_case",
        "partial_update": "beneficiaries.change_case",
        "adjust": "beneficiaries.change_case",
        "submit": "beneficiaries.submit_case",
        "approve": "beneficiaries.decide_case",
        "reject": "beneficiaries.decide_case",
        "suspend": "beneficiaries.decide_case",
        "resume": "beneficiaries.decide_case",
        "terminate": "beneficiaries.decide_case",
    }

    def _data(self, case, serializer=s.CaseOutput) -> dict:
        shown = selectors_entitlements.current_entitlements([case])
        return serializer(case, context={"entitlements": shown}).data

    def _out(self, case, status_code=status.HTTP_200_OK):
        return Response(self._data(case), status=status_code)

    def list(self, request):
        cases = selectors.cases_list(user=request.user, filters=request.query_params)
        page = self.paginate_queryset(cases)
        shown = selectors_entitlements.current_entitlements(page)
        data = s.CaseOutput(page, many=True, context={"entitlements": shown}).data
        return self.get_paginated_response(data)

    def create(self, request):
        data = self.valid(s.CaseInput, request.data)
        case = services.case_create(actor=request.user, **data)
        return self._out(case, status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return Response(self._data(selectors.case_get(user=request.user, case_id=pk)))

    def partial_update(self, request, pk=None):
        changes = self.valid(s.CasePatch, request.data)
        return self._out(services.case_update(actor=request.user, case_id=pk, changes=changes))

    def _act(self, pk, service, input_serializer=None):
        data = self.valid(input_serializer, self.request.data) if input_serializer else {}
        return self._out(service(actor=self.request.user, case_id=pk, **data))

    @extend_schema(summary="Trình hồ sơ", request=None, responses=s.CaseOutput)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(pk, services.case_submit)

    @extend_schema(
        summary="Phê duyệt (người phê duyệt khác người trình); tháng bắt đầu tùy chọn",
        request=s.ApproveInput,
        responses=s.ApprovalOutput,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = self.valid(s.ApproveInput, request.data)
        approved = services.case_approve(actor=request.user, case_id=pk, **data)
        return Response(self._data(approved, s.ApprovalOutput))

    @extend_schema(
        summary="Xem trước khi phê duyệt: tháng bắt đầu, mức hưởng, truy lĩnh",
        parameters=[
            OpenApiParameter("decision_date", str, required=True, description="YYYY-MM-DD"),
            _month_parameter("start_month", "Tháng bắt đầu đề xuất"),
        ],
        responses=s.ApprovalPreviewOutput,
    )
    @action(detail=True, methods=["get"], url_path="approval-preview")
    def approval_preview(self, request, pk=None):
        case = selectors.case_get(user=request.user, case_id=pk)
        data = self.valid(s.ApprovalPreviewInput, request.query_params)
        preview = selectors_entitlements.case_approval_preview(case=case, **data)
        return Response(s.ApprovalPreviewOutput(preview).data)

    @extend_schema(summary="Từ chối hồ sơ", request=s.ReasonInput, responses=s.CaseOutput)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(pk, services.case_reject, s.ReasonInput)

    @extend_schema(summary="Tạm dừng hưởng", request=s.SuspendInput, responses=s.CaseOutput)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._act(pk, services.case_suspend, s.SuspendInput)

    @extend_schema(summary="Tiếp tục hưởng", request=s.ResumeInput, responses=s.CaseOutput)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._act(pk, services.case_resume, s.ResumeInput)

    @extend_schema(summary="Chấm dứt hưởng", request=s.ReasonMonthInput, responses=s.CaseOutput)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        return self._act(pk, services.case_terminate, s.ReasonMonthInput)

    @extend_schema(
        summary="Đề xuất điều chỉnh từ một tháng (người phê duyệt quyết định)",
        request=s.AdjustInput,
        responses={201: s.AdjustmentOutput},
    )
    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        data = dict(self.valid(s.AdjustInput, request.data))
        from_month, reason = data.pop("from_month"), data.pop("reason")
        adjustment = services.case_adjust(
            actor=request.user, case_id=pk, from_month=from_month, reason=reason, changes=data
        )
        return Response(s.AdjustmentOutput(adjustment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Các điều chỉnh của hồ sơ", responses=s.AdjustmentOutput(many=True))
    @action(detail=True, methods=["get"])
    def adjustments(self, request, pk=None):
        case = selectors.case_get(user=request.user, case_id=pk)
        return paginate(
            self, selectors_entitlements.adjustments_list(case=case), s.AdjustmentOutput
        )

    @extend_schema(
        summary="Mức hưởng từng tháng và lý do thay đổi",
        parameters=[
            _month_parameter("from", "Từ tháng (mặc định: tháng bắt đầu hoặc tháng này)"),
            _month_parameter("to", "Đến tháng (mặc định: tháng này)"),
        ],
        responses=s.MonthEntitlementOutput(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def entitlements(self, request, pk=None):
        case = selectors.case_get(user=request.user, case_id=pk)
        data = self.valid(s.EntitlementRangeInput, request.query_params)
        this_month = month_start(selectors_entitlements.today())
        first = data.get("from") or case.start_month or this_month
        last = data.get("to") or max(this_month, first)
        months = selectors_entitlements.case_entitlements_list(
            case=case, from_month=first, to_month=last
        )
        return Response(s.MonthEntitlementOutput(months, many=True).data)

    @extend_schema(
        summary="Hồ sơ cần quyết định trong tháng",
        parameters=[_month_parameter("month", "Tháng (mặc định: tháng này)")],
        responses=s.ReviewItemOutput(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def review(self, request):
        data = self.valid(s.ReviewInput, request.query_params)
        month = data.get("month") or month_start(selectors_entitlements.today())
        return Response(
            s.ReviewItemOutput(review_list(user=request.user, month=month), many=True).data
        )

    @extend_schema(summary="Lịch sử thay đổi", responses=HistoryOutput(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        obj = selectors.case_get(user=request.user, case_id=pk)
        return paginate(self, selectors.object_history(obj=obj), HistoryOutput)
