"""One error envelope for every failure under /api/, in Vietnamese or English, never leaking values.

This module doubles as a URL conf (see `urlpatterns` below): a few test-only views raise the
failures no real endpoint raises on demand (an unexpected exception, a conflict, a Django
ValidationError), mounted beside the real routes with the real error handlers.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from django.test import RequestFactory, override_settings
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from registry import urls as registry_urls
from registry.api import errors
from registry.exceptions import Conflict
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_household

SECRET = "045060012345 Nguyễn Văn Bí Mật"


class _IdSerializer(serializers.Serializer):
    national_id = serializers.CharField()
    year = serializers.IntegerField(min_value=2000)

    def validate_national_id(self, value):
        if not value.isdigit():
            raise serializers.ValidationError("Số định danh sai.", code="invalid_national_id")
        return value


class _EchoApi(APIView):
    def post(self, request):
        serializer = _IdSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class _BoomApi(APIView):
    def get(self, request):
        raise ValueError(SECRET)


class _ConflictApi(APIView):
    def post(self, request):
        raise Conflict(code="already_approved")


class _IntegrityApi(APIView):
    def post(self, request):
        raise IntegrityError(f'duplicate key value violates unique constraint DETAIL: "{SECRET}"')


class _DjangoValidationApi(APIView):
    def post(self, request):
        raise DjangoValidationError(
            {"national_id": [DjangoValidationError("Sai.", code="invalid_national_id")]}
        )


def _plain_boom(request):
    raise KeyError(SECRET)


def _plain_form(request):
    return JsonResponse({"fields": len(request.POST)})


urlpatterns = [
    path("api/v1/_test/echo/", _EchoApi.as_view()),
    path("api/v1/_test/boom/", _BoomApi.as_view()),
    path("api/v1/_test/conflict/", _ConflictApi.as_view()),
    path("api/v1/_test/integrity/", _IntegrityApi.as_view()),
    path("api/v1/_test/django-validation/", _DjangoValidationApi.as_view()),
    path("api/v1/_test/plain-boom/", _plain_boom),
    path("api/v1/_test/plain-form/", _plain_form),
    *registry_urls.urlpatterns,
]
handler400 = registry_urls.handler400
handler403 = registry_urls.handler403
handler404 = registry_urls.handler404
handler500 = registry_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    assert all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in error["fields"].values()
    )
    return error


@pytest.fixture
def worker_client(client_for, social_worker):
    return client_for(social_worker)


# --- 400 ---------------------------------------------------------------------------------


def test_validation_error_lists_fields_with_generic_code(worker_client):
    response = worker_client.post("/api/v1/_test/echo/", {"year": 1990}, format="json")
    error = assert_envelope(response, 400, "invalid")
    assert set(error["fields"]) == {"national_id", "year"}
    assert error["message"] == "Dữ liệu không hợp lệ."


def test_field_specific_code_becomes_the_envelope_code(worker_client):
    response = worker_client.post(
        "/api/v1/_test/echo/", {"national_id": "abc", "year": 2020}, format="json"
    )
    error = assert_envelope(response, 400, "invalid_national_id")
    assert error["fields"] == {"national_id": ["Số định danh sai."]}
    assert error["message"] == "Số định danh sai."


def test_invalid_national_id_from_the_persons_endpoint(worker_client):
    household = make_household(OWN_COMMUNE)
    response = worker_client.post(
        "/api/v1/persons/",
        {
            "household_id": household.pk,
            "full_name": "Trần Thị Lan",
            "sex": "female",
            "date_of_birth": "1970-01-02",
            "national_id": "045170",  # too short
            "ethnicity": "Kinh",
            "relation_to_head": "head",
        },
        format="json",
    )
    error = assert_envelope(response, 400, "invalid_national_id")
    assert "national_id" in error["fields"]


def test_django_validation_error_is_a_400_envelope(worker_client):
    response = worker_client.post("/api/v1/_test/django-validation/", {}, format="json")
    error = assert_envelope(response, 400, "invalid_national_id")
    assert error["fields"] == {"national_id": ["Sai."]}


def test_malformed_json_is_parse_error_without_echoing_the_body(worker_client):
    response = worker_client.post(
        "/api/v1/_test/echo/", data='{"national_id": "0450', content_type="application/json"
    )
    error = assert_envelope(response, 400, "parse_error")
    assert "0450" not in error["message"]


def test_too_many_form_fields_is_a_400_envelope(worker_client):
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5):
        response = worker_client.post(
            "/api/v1/_test/echo/",
            data="&".join(f"f{i}=1" for i in range(20)),
            content_type="application/x-www-form-urlencoded",
        )
    assert_envelope(response, 400, "bad_request")


# --- 401 / 403 ----------------------------------------------------------------------------


def test_anonymous_is_401_not_authenticated():
    response = APIClient().get("/api/v1/admin-units/provinces/")
    assert_envelope(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_bad_token_is_401_authentication_failed():
    client = APIClient(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = client.get("/api/v1/admin-units/provinces/")
    assert_envelope(response, 401, "authentication_failed")


def test_missing_permission_is_403(client_for, approver):
    household = make_household(OWN_COMMUNE)
    response = client_for(approver).post(
        "/api/v1/persons/", {"household_id": household.pk}, format="json"
    )
    assert_envelope(response, 403, "permission_denied")


def test_session_post_without_csrf_token_is_403_csrf_failed(social_worker):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(social_worker)
    response = client.post("/api/v1/_test/echo/", {"national_id": "1", "year": 2020}, format="json")
    assert_envelope(response, 403, "csrf_failed")


# --- 404 / 405 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/no-such-thing/", "/api/nothing/", "/api/v1/persons/abc/", "/api/v2/persons/"]
)
def test_unknown_api_url_is_a_404_envelope(worker_client, url):
    assert_envelope(worker_client.get(url), 404, "not_found")


def test_unknown_url_outside_the_api_keeps_django_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_object_of_another_commune_is_404_like_a_missing_one(worker_client):
    other = make_household(OTHER_COMMUNE)
    outside = worker_client.get(f"/api/v1/households/{other.pk}/")
    missing = worker_client.get(f"/api/v1/households/{other.pk + 1000}/")
    assert assert_envelope(outside, 404, "not_found") == assert_envelope(missing, 404, "not_found")


def test_page_past_the_end_is_404(worker_client):
    assert_envelope(worker_client.get("/api/v1/households/?page=99"), 404, "not_found")


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=-1", "page_size=0", "page_size=x"])
def test_page_or_page_size_that_is_not_a_positive_integer_is_400(worker_client, query):
    error = assert_envelope(worker_client.get(f"/api/v1/households/?{query}"), 400, "invalid")
    assert list(error["fields"]) == [query.split("=")[0]]


def test_page_size_is_capped_at_500(worker_client):
    for _ in range(3):
        make_household(OWN_COMMUNE)
    body = worker_client.get("/api/v1/households/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and "page_size=2" in body["next"]
    body = worker_client.get("/api/v1/households/?page_size=100000&page=last").json()
    assert len(body["results"]) == 3


def test_wrong_method_is_405_with_allow_header(worker_client):
    response = worker_client.delete("/api/v1/admin-units/provinces/")
    error = assert_envelope(response, 405, "method_not_allowed")
    assert "DELETE" in error["message"]
    assert "GET" in response["Allow"]


# --- 409 ----------------------------------------------------------------------------------


def test_conflict_keeps_its_specific_code(worker_client):
    assert_envelope(worker_client.post("/api/v1/_test/conflict/"), 409, "already_approved")


def test_integrity_error_is_409_and_logs_no_values(worker_client, caplog):
    with caplog.at_level(logging.INFO):
        response = worker_client.post("/api/v1/_test/integrity/")
    assert_envelope(response, 409, "conflict")
    assert "045060012345" not in caplog.text and "Bí Mật" not in caplog.text


# --- 413 ----------------------------------------------------------------------------------


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_json_body_over_the_limit_is_413(worker_client):
    body = '{"national_id": "' + "1" * 2000 + '", "year": 2020}'
    response = worker_client.post("/api/v1/_test/echo/", data=body, content_type="application/json")
    assert_envelope(response, 413, "request_too_large")


@override_settings(REGISTRY_MAX_UPLOAD_BYTES=2000)
def test_upload_over_the_upload_limit_is_413(worker_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("persons.csv", b"x" * 5000, content_type="text/csv")
    response = worker_client.post("/api/v1/_test/echo/", {"file": upload}, format="multipart")
    assert_envelope(response, 413, "request_too_large")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000, REGISTRY_MAX_UPLOAD_BYTES=100_000)
def test_multipart_form_fields_over_the_body_limit_are_413_from_drf_parsing(worker_client):
    # Within the upload limit, so the middleware lets it through; Django's multipart parser then
    # raises RequestDataTooBig lazily, inside DRF's request.data.
    response = worker_client.post(
        "/api/v1/_test/echo/", {"national_id": "1" * 5000, "year": 2020}, format="multipart"
    )
    assert_envelope(response, 413, "request_too_large")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000, REGISTRY_MAX_UPLOAD_BYTES=100_000)
def test_multipart_over_the_body_limit_is_413_in_a_plain_django_view(worker_client):
    response = worker_client.post(
        "/api/v1/_test/plain-form/", {"note": "x" * 5000}, format="multipart"
    )
    assert_envelope(response, 413, "request_too_large")


def test_request_data_too_big_raised_anywhere_in_drf_maps_to_413():
    error = errors.error_from_exception(RequestDataTooBig("too big"))
    assert (error.status, error.code) == (413, "request_too_large")


def test_handler400_answers_413_for_request_data_too_big():
    request = RequestFactory().post("/api/v1/persons/")
    response = errors.bad_request(request, RequestDataTooBig("too big"))
    assert_envelope(response, 413, "request_too_large")


def test_oversized_body_outside_the_api_is_a_plain_413(client):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        response = client.post(
            "/accounts/login/", data="x" * 500, content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


# --- 415 ----------------------------------------------------------------------------------


def test_unsupported_content_type_is_415(worker_client):
    response = worker_client.post("/api/v1/_test/echo/", data="year=1", content_type="text/plain")
    assert_envelope(response, 415, "unsupported_media_type")


# --- 500 ----------------------------------------------------------------------------------


def test_unexpected_exception_is_500_envelope_with_request_id_and_no_values_logged(
    worker_client, caplog
):
    with caplog.at_level(logging.INFO):
        response = worker_client.get("/api/v1/_test/boom/", HTTP_X_REQUEST_ID="abc123")
    error = assert_envelope(response, 500, "server_error")
    assert error["request_id"] == "abc123"
    assert response["X-Request-ID"] == "abc123"
    assert "ValueError" in caplog.text and "abc123" in caplog.text
    assert "045060012345" not in caplog.text and "Bí Mật" not in caplog.text
    assert SECRET not in response.content.decode()


def test_unexpected_exception_in_a_plain_django_api_view_is_500_envelope(worker_client, caplog):
    with caplog.at_level(logging.INFO):
        response = worker_client.get("/api/v1/_test/plain-boom/")
    error = assert_envelope(response, 500, "server_error")
    assert error["request_id"] == response["X-Request-ID"]
    assert "KeyError" in caplog.text
    assert "045060012345" not in caplog.text


def test_handler500_answers_the_envelope_under_api_only():
    factory = RequestFactory()
    assert_envelope(errors.server_error(factory.get("/api/v1/cases/")), 500, "server_error")
    assert errors.server_error(factory.get("/")).status_code == 500


def test_handler403_answers_the_envelope_under_api():
    request = RequestFactory().get("/api/v1/cases/")
    assert_envelope(errors.permission_denied(request, None), 403, "permission_denied")


# --- language -----------------------------------------------------------------------------


def test_messages_are_vietnamese_by_default_and_english_on_request():
    client = APIClient()
    vi = client.get("/api/v1/admin-units/provinces/").json()["error"]["message"]
    en = client.get("/api/v1/admin-units/provinces/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert vi == "Bạn chưa đăng nhập."
    assert en["error"]["message"] == "Authentication credentials were not provided."
    assert en["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("url", "method", "english"),
    [
        ("/api/v1/no-such-thing/", "get", "Not found."),
        ("/api/v1/_test/boom/", "get", "Server error."),
        ("/api/v1/_test/echo/", "post", "Invalid input."),
        ("/api/v1/_test/conflict/", "post", "Conflict with the current state."),
    ],
)
def test_english_messages(worker_client, url, method, english):
    response = getattr(worker_client, method)(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["message"].startswith(english)


def test_drf_field_messages_are_translated_to_vietnamese(worker_client):
    vi = worker_client.post("/api/v1/_test/echo/", {}, format="json").json()["error"]
    en = worker_client.post("/api/v1/_test/echo/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert vi["fields"]["year"] == ["Trường này là bắt buộc."]
    assert en.json()["error"]["fields"]["year"] == ["This field is required."]
