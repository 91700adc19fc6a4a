"""Routes of the certificate endpoints under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from certificates.apis.certificates import CertificateViewSet
from certificates.apis.verify import KeysApi, StatusListApi, VerifyApi

router = SimpleRouter()
router.include_format_suffixes = False
router.register("certificates", CertificateViewSet, basename="certificate")

urlpatterns = [
    path("verify/", VerifyApi.as_view(), name="api-verify"),
    path("verify/keys/", KeysApi.as_view(), name="api-verify-keys"),
    path("verify/status-list/", StatusListApi.as_view(), name="api-verify-status-list"),
    *router.urls,
]
