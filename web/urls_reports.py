"""The pages of the reports page."""

from django.urls import path

from web.views import reports_page

urlpatterns: list = [
    path("reports/", reports_page.reports_page, name="reports"),
    path("reports/xlsx/", reports_page.reports_xlsx, name="reports-xlsx"),
]
