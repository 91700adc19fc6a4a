"""Report routes under /api/v1/ (included from registry/api/urls.py)."""

from django.urls import path

from reports.apis import ReportSummaryApi

urlpatterns = [
    path("reports/summary/", ReportSummaryApi.as_view(), name="report-summary"),
]
