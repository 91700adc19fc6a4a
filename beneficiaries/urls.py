"""Routes of the registry endpoints under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from beneficiaries.apis.cases import CaseViewSet
from beneficiaries.apis.households import HouseholdViewSet
from beneficiaries.apis.oneoffs import CaseAdjustmentViewSet, OneOffViewSet
from beneficiaries.apis.persons import PersonViewSet

router = SimpleRouter()
router.include_format_suffixes = False
router.register("households", HouseholdViewSet, basename="household")
router.register("persons", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
router.register("case-adjustments", CaseAdjustmentViewSet, basename="case-adjustment")
router.register("one-offs", OneOffViewSet, basename="one-off")

urlpatterns = [
    path("", include("beneficiaries.urls_imports")),
    path("", include("beneficiaries.urls_reports")),
    *router.urls,
]
