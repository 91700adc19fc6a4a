"""Every /api/v1/ route."""

from django.urls import include, path

urlpatterns = [
    path("", include("beneficiaries.urls")),
]
