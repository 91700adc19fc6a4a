"""The one error envelope: {"error": {"code", "message", "fields"}} for every failure."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf
from rest_framework.response import Response

from registry.exceptions import RegistryError
from registry.middleware import current_request_id

logger = logging.getLogger("registry.api")

# Machine codes for DRF's own exceptions, stable whatever DRF's message says.
DRF_CODES = {
    drf.NotAuthenticated: ("not_authenticated", 401),
    drf.AuthenticationFailed: ("authentication_failed", 401),
    drf.PermissionDenied: ("permission_denied", 403),
    drf.NotFound: ("not_found", 404),
    drf.MethodNotAllowed: ("method_not_allowed", 405),
    drf.NotAcceptable: ("not_acceptable", 406),
    drf.UnsupportedMediaType: ("unsupported_media_type", 415),
    drf.Throttled: ("throttled", 429),
    drf.ParseError: ("parse_error", 400),
    drf.ValidationError: ("invalid", 400),
}


def envelope(code: str, message, fields: dict | None = None, **extra) -> dict:
    body = {"code": code, "message": str(message), "fields": fields or {}}
    body.update(extra)
    return {"error": body}


def _flatten_fields(detail) -> dict:
    """DRF's nested error detail → {"field": ["message", …]} with dotted paths for nesting."""
    fields: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            if all(not isinstance(item, (dict, list)) for item in value):
                fields.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
            else:
                for index, inner in enumerate(value):
                    walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            fields.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", detail)
    return fields


def _validation_code(detail) -> str:
    """A field error raised with a specific code (e.g. invalid_national_id) becomes the envelope code."""
    codes = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)
        elif isinstance(value, drf.ErrorDetail):
            codes.append(value.code)

    walk(detail)
    generic = {"invalid", "required", "null", "blank", "invalid_choice", "max_length", "min_length",
               "max_value", "min_value", "does_not_exist", "incorrect_type", "not_a_list", "date",
               "datetime", "max_digits", "max_decimal_places", "max_whole_digits", "empty",
               "not_a_dict", "unique", "parse_error", "make_aware", "overflow", "max_string_length",
               "no_name", "invalid_image", "min_string_length"}  # fmt: skip
    specific = [code for code in codes if code and code not in generic]
    return specific[0] if specific else "invalid"


def exception_handler(exc, context) -> Response | None:
    if isinstance(exc, RegistryError):
        extra = getattr(exc, "extra", {}) or {}
        return Response(envelope(exc.code, exc.message, exc.fields, **extra), status=exc.status)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        return Response(envelope("request_too_large", _("Dữ liệu gửi lên quá lớn.")), status=413)
    if isinstance(exc, drf.APIException):
        code, status = next(
            ((c, s) for cls, (c, s) in DRF_CODES.items() if isinstance(exc, cls)),
            (exc.default_code, exc.status_code),
        )
        if isinstance(exc, drf.ValidationError):
            detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            code = _validation_code(detail)
            return Response(
                envelope(code, _("Dữ liệu không hợp lệ."), _flatten_fields(detail)), status=400
            )
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        message = exc.detail if isinstance(exc.detail, str) else _("Yêu cầu không hợp lệ.")
        return Response(envelope(code, message), status=status, headers=headers)
    # Unexpected: log the type and request id only (values could carry personal data).
    request_id = current_request_id()
    logger.error("unhandled %s in API request %s", type(exc).__name__, request_id)
    return Response(
        envelope(
            "server_error",
            _("Lỗi máy chủ. Vui lòng thử lại hoặc báo mã yêu cầu cho quản trị viên."),
            request_id=request_id,
        ),
        status=500,
    )


def json_error_response(status: int, code: str, message) -> JsonResponse:
    return JsonResponse(envelope(code, message), status=status)
