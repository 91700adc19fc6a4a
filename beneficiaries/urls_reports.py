"""Report routes, included from beneficiaries/urls.py under /api/v1/."""

from django.urls import path

from beneficiaries.apis.reports import ConsistencyReportApi

urlpatterns = [
    path("reports/consistency/", ConsistencyReportApi.as_view(), name="consistency-report"),
]
