"""Import routes, included from beneficiaries/urls.py under /api/v1/."""

from django.urls import path

from beneficiaries.apis.imports import PersonsImportApi, PersonsImportTemplateApi

urlpatterns = [
    path("imports/persons/", PersonsImportApi.as_view(), name="persons-import"),
    path(
        "imports/persons/template/",
        PersonsImportTemplateApi.as_view(),
        name="persons-import-template",
    ),
]
