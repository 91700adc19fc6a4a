"""The reports page: the Resolution 42 summary for a year (and month) and the communes the user
may see, as tables with SVG charts beside them, and its workbook. Small numbers are masked
here exactly as in the workbook, whoever looks (the page is printed and posted too)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Household
from registry.access import user_commune_codes
from registry.exceptions import RegistryError
from registry.models import Commune
from reports.period import period_for
from reports.summary import report_scope, report_summary_build
from reports.trend import poverty_trend, review_years
from reports.xlsx import XLSX_CONTENT_TYPE, summary_workbook, workbook_filename
from web.views import reports_figures as figures
from web.views.common import role_view

PERMISSION = "beneficiaries.view_household"  # as the API (reports/apis.py)


def _commune_choices(user) -> list[tuple[str, str]]:
    """The user's communes; for an auditor, every commune holding households."""
    codes = user_commune_codes(user)
    if codes is None:
        codes = set(Household.objects.values_list("commune_id", flat=True).distinct().order_by())
    communes = Commune.objects.filter(code__in=codes).order_by("code")
    return [(c.code, f"{c.name} ({c.code})") for c in communes]


class ReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm rà soát"), coerce=int)
    month = forms.DateField(
        label=_("Tháng tham chiếu (không bắt buộc)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("Mặc định: tháng 12 của năm, hoặc tháng này với năm nay."),
    )
    commune = forms.MultipleChoiceField(
        label=_("Xã"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Không chọn xã nào: mọi xã của bạn."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = sorted({*review_years(user_commune_codes(user)), this_year}, reverse=True)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["commune"].choices = _commune_choices(user)


def _form(request) -> ReportForm:
    """The query's choice; without one, this year's report for every commune of the user."""
    data = request.GET if "year" in request.GET else {"year": timezone.localdate().year}
    return ReportForm(data, user=request.user)


def _build(request, form: ReportForm):
    """(period, report) for a valid form, else (None, None) with the errors on the form."""
    if not form.is_valid():
        return None, None
    month: date | None = form.cleaned_data["month"]
    try:
        period = period_for(year=form.cleaned_data["year"], month=month)
    except RegistryError as exc:
        for field, messages in (exc.fields or {}).items():
            for message in messages:
                form.add_error(field if field in form.fields else None, str(message))
        if not exc.fields:
            form.add_error(None, str(exc.message))
        return None, None
    report = report_summary_build(
        user=request.user,
        period=period,
        communes=form.cleaned_data["commune"] or None,
        exact_small_numbers=False,
    )
    return period, report


@role_view(PERMISSION)
def reports_page(request):
    form = _form(request)
    period, report = _build(request, form)
    context: dict = {"form": form, "report": report}
    if report is not None:
        codes = report_scope(user=request.user, communes=form.cleaned_data["commune"] or None)
        trend = poverty_trend(codes, up_to=period.year)
        provinces = []
        for index, province in enumerate(report["provinces"]):
            communes = [c for c in report["communes"] if c["province_code"] == province["code"]]
            provinces.append(
                {
                    "row": province,
                    "communes": communes,
                    "beneficiaries": figures.beneficiaries(
                        province, f"chart-beneficiaries-{index}"
                    ),
                    "cashless": figures.cashless(communes, f"chart-cashless-{index}"),
                    "targets": figures.targets(province, f"chart-targets-{index}"),
                }
            )
        context.update(
            provinces=provinces,
            trend=figures.poverty_trend(trend, "chart-trend"),
            xlsx_query=request.GET.urlencode(),
        )
    return render(request, "web/reports/page.html", context)


@role_view(PERMISSION)
def reports_xlsx(request):
    """The same workbook as the API's `format=xlsx`, for the page's choice of communes."""
    form = _form(request)
    _period, report = _build(request, form)
    if report is None:
        return render(request, "web/reports/page.html", {"form": form, "report": None}, status=400)
    response = HttpResponse(summary_workbook(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{workbook_filename(report)}"'
    return response
