"""GET /api/v1/reports/summary/: the Resolution 42 indicators as JSON, or as a workbook."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.permissions import requires
from reports.period import period_for
from reports.summary import report_summary_build
from reports.xlsx import XLSX_CONTENT_TYPE, summary_workbook, workbook_filename

# Everyone who reads the registry reads its figures, in their own communes (auditors: all).
PERMISSION = "beneficiaries.view_household"


class SummaryQuery(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Năm rà soát (mặc định: năm nay)."
    )
    month = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        help_text="Tháng tham chiếu YYYY-MM trong năm (mặc định: tháng 12, hoặc tháng này).",
    )
    commune = serializers.RegexField(r"^\d{5}$", required=False, help_text="Mã xã (5 chữ số).")
    province = serializers.RegexField(r"^\d{2}$", required=False, help_text="Mã tỉnh (2 chữ số).")
    format = serializers.ChoiceField(choices=["json", "xlsx"], required=False, default="json")

    def validate_month(self, value: str) -> date:
        year, month = (int(part) for part in value.strip().split("-"))
        if not 2000 <= year <= 2100:
            raise serializers.ValidationError(_("Tháng không hợp lệ."), code="invalid")
        return date(year, month, 1)


class CategoryCountOutput(serializers.Serializer):
    programme = serializers.CharField()
    category = serializers.CharField()
    persons = serializers.IntegerField(
        allow_null=True, help_text="null khi số nhỏ được ẩn (diện 5.3, 5.8 dưới 5)."
    )
    display = serializers.CharField(help_text="Số để hiển thị: số chính xác hoặc «< 5».")
    suppressed = serializers.BooleanField()


class TargetOutput(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[
            "poverty_rate_below_1",
            "no_poor_meritorious_household",
            "all_eligible_paid",
            "cashless_share_rising",
        ]
    )
    current = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    trend = serializers.ChoiceField(choices=["up", "down", "same"], allow_null=True)
    met = serializers.BooleanField(allow_null=True)


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=0, **kwargs)


def _rate() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


class FiguresOutput(serializers.Serializer):
    households = serializers.IntegerField()
    persons = serializers.IntegerField()
    poor = serializers.IntegerField()
    near_poor = serializers.IntegerField()
    assessed = serializers.IntegerField()
    poverty_rate = _rate()
    near_poverty_rate = _rate()
    poor_persons = serializers.IntegerField()
    near_poor_persons = serializers.IntegerField()
    poor_persons_rate = _rate()
    near_poor_persons_rate = _rate()
    entering_poverty = serializers.IntegerField()
    leaving_poverty = serializers.IntegerField()
    poor_not_reassessed = serializers.IntegerField()
    persons_by_programme = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="null khi bị ẩn để không suy ra được số nhỏ (xem suppressed_figures).",
    )
    persons_by_category = CategoryCountOutput(many=True)
    health_insurance_entitled = serializers.IntegerField(allow_null=True)
    meritorious_persons = serializers.IntegerField()
    meritorious_households = serializers.IntegerField()
    meritorious_households_poor = serializers.IntegerField()
    # The HIV categories' programme money is null where complementary suppression hides it.
    amount_due = _money(allow_null=True)
    amount_due_by_programme = serializers.DictField(child=_money(allow_null=True))
    amount_paid = _money(allow_null=True)
    amount_paid_by_programme = serializers.DictField(child=_money(allow_null=True), allow_null=True)
    amount_paid_by_channel = serializers.DictField(child=_money(), allow_null=True)
    cashless_share = _rate()
    eligible_paid_share = _rate()
    targets = TargetOutput(many=True)
    suppressed_figures = serializers.ListField(
        child=serializers.CharField(),
        help_text=(
            "Số bị ẩn (null) để không trừ ra được số nhỏ diện 5.3, 5.8, ví dụ "
            "persons_by_programme.social_assistance, health_insurance_entitled."
        ),
    )


class CommuneFiguresOutput(FiguresOutput):
    code = serializers.CharField()
    name = serializers.CharField()
    province_code = serializers.CharField()


class ProvinceFiguresOutput(FiguresOutput):
    code = serializers.CharField()
    name = serializers.CharField()
    communes = serializers.IntegerField()


class SummaryOutput(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.SerializerMethodField(help_text="Tháng tham chiếu (YYYY-MM).")
    previous_year = serializers.IntegerField()
    generated_at = serializers.DateTimeField()
    payments_available = serializers.BooleanField()
    amounts_available = serializers.BooleanField()
    small_numbers = serializers.ChoiceField(choices=["exact", "suppressed"])
    provinces = ProvinceFiguresOutput(many=True)
    communes = CommuneFiguresOutput(many=True)

    def get_month(self, report: dict) -> str:
        return f"{report['month']:%Y-%m}"


class _QueryFormatIgnored(DefaultContentNegotiation):
    """`?format=xlsx` is this endpoint's own parameter, not DRF's renderer override."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class ReportSummaryApi(APIView):
    permission_classes = [requires(PERMISSION)]
    content_negotiation_class = _QueryFormatIgnored

    @extend_schema(
        tags=["reports"],
        operation_id="reports_summary",
        summary="Báo cáo chỉ tiêu Nghị quyết 42 theo xã và tỉnh",
        description=(
            "Hộ nghèo, cận nghèo và tỷ lệ; hộ thoát nghèo và phát sinh; đối tượng theo chính "
            "sách và diện; người có công và hộ nghèo; kinh phí phải trả; tiến độ mục tiêu 2030. "
            "Phạm vi: các xã của người dùng; kiểm toán viên xem mọi xã. Số người diện 5.3, 5.8 "
            "dưới 5 hiển thị «< 5» (kiểm toán viên thấy số chính xác trong JSON, không bao giờ "
            "trong tệp Excel). `format=xlsx`: tệp Excel."
        ),
        parameters=[SummaryQuery],
        responses={
            (200, "application/json"): SummaryOutput,
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Excel"),
            400: OpenApiResponse(description=_("Tham số không hợp lệ.")),
            403: OpenApiResponse(description=_("Không có quyền xem báo cáo.")),
            404: OpenApiResponse(description=_("Xã hoặc tỉnh ngoài phạm vi người dùng.")),
        },
    )
    def get(self, request):
        query = SummaryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        period = period_for(year=params.get("year"), month=params.get("month"))
        as_xlsx = params["format"] == "xlsx"
        report = report_summary_build(
            user=request.user,
            period=period,
            commune=params.get("commune"),
            province=params.get("province"),
            exact_small_numbers=False if as_xlsx else None,
        )
        if as_xlsx:
            response = HttpResponse(summary_workbook(report), content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{workbook_filename(report)}"'
            return response
        return Response(SummaryOutput(report).data)
