"""Routes of the payment endpoints under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from payments.apis.accounts import PaymentAccountApi
from payments.apis.batches import PaymentBatchViewSet
from payments.apis.recoveries import PaymentRecoveryViewSet

router = SimpleRouter()
router.include_format_suffixes = False
router.register("payment-batches", PaymentBatchViewSet, basename="payment-batch")
router.register("payment-recoveries", PaymentRecoveryViewSet, basename="payment-recovery")

urlpatterns = [
    path(
        "persons/<int:person_id>/payment-account/",
        PaymentAccountApi.as_view(),
        name="person-payment-account",
    ),
    *router.urls,
]
