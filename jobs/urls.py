"""Job routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from jobs.apis import JobViewSet

router = SimpleRouter()
router.include_format_suffixes = False
router.register("jobs", JobViewSet, basename="job")

urlpatterns = router.urls
