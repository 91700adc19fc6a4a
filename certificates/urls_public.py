"""The public verification page, outside /api/: the URL printed in every QR code."""

from django.urls import path

from certificates.views import verify_page

urlpatterns = [
    path("verify/<str:token>", verify_page, name="verify-page"),
    path("verify/<str:token>/", verify_page),
]
