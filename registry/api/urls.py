"""Every /api/v1/ route: the common ones (token, administrative units) and each app's endpoints."""

from django.urls import include, path

from registry.api.admin_units import CommuneListApi, ProvinceListApi
from registry.api.audit_events import AuditEventListApi  # audit: the trail for auditors
from registry.api.auth import TokenObtainApi

urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="api-auth-token"),
    path("admin-units/provinces/", ProvinceListApi.as_view(), name="api-provinces"),
    path("admin-units/communes/", CommuneListApi.as_view(), name="api-communes"),
    path("", include("jobs.urls")),
    path("", include("beneficiaries.urls")),
    path("", include("certificates.urls")),
    # reports: the summary report
    path("", include("reports.urls")),
    # Payments (payments/)
    path("", include("payments.urls")),
    # audit
    path("audit-events/", AuditEventListApi.as_view(), name="api-audit-events"),
]
