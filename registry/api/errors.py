"""The one error envelope: {"error": {"code", "message", "fields"}} for every failure under /api/.

`error_from_exception` maps any exception to (status, body, headers); the DRF exception handler,
Django's handler400/403/404/500 and `ApiExceptionMiddleware` all answer through it, so a client
sees the same shape whether DRF, a service, the URL resolver or the request parser failed.
"""

from __future__ import annotations

import logging
import math
import traceback
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from registry.exceptions import RegistryError
from registry.middleware import current_request_id

logger = logging.getLogger("registry.api")

API_PATH_PREFIX = "/api/"

# DRF error codes that say only "this field is wrong"; anything else (e.g. invalid_national_id)
# is specific enough to become the envelope code.
GENERIC_FIELD_CODES = frozenset(
    "invalid required null blank invalid_choice max_length min_length max_value min_value "
    "does_not_exist incorrect_type not_a_list date datetime max_digits max_decimal_places "
    "max_whole_digits empty not_a_dict unique parse_error make_aware overflow max_string_length "
    "no_name invalid_image min_string_length invalid_pk_value incorrect_match no_match "
    "surrogate_characters_not_allowed null_characters_not_allowed invalid_list".split()
)


@dataclass
class ApiError:
    status: int
    code: str
    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def body(self) -> dict:
        return envelope(self.code, self.message, self.fields, **self.extra)


def envelope(code: str, message, fields: dict | None = None, **extra) -> dict:
    body = {"code": code, "message": str(message), "fields": _normalise_fields(fields)}
    body.update(extra)
    return {"error": body}


def _normalise_fields(fields: dict | None) -> dict[str, list[str]]:
    """Whatever a service passed, `fields` is {name: [message, …]} of strings."""
    normalised: dict[str, list[str]] = {}
    for name, messages in (fields or {}).items():
        if isinstance(messages, (list, tuple)):
            normalised[str(name)] = [str(m) for m in messages]
        else:
            normalised[str(name)] = [str(messages)]
    return normalised


def _flatten_fields(detail) -> dict[str, list[str]]:
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


def _first_specific_error(detail) -> drf.ErrorDetail | None:
    """The first field error raised with a specific code (e.g. invalid_national_id), if any."""
    if isinstance(detail, dict):
        values = list(detail.values())
    elif isinstance(detail, list):
        values = detail
    else:
        values = [detail]
    for value in values:
        if isinstance(value, (dict, list)):
            found = _first_specific_error(value)
            if found is not None:
                return found
        elif (
            isinstance(value, drf.ErrorDetail)
            and value.code
            and value.code not in GENERIC_FIELD_CODES
        ):
            return value
    return None


def _validation_error(detail) -> ApiError:
    if not isinstance(detail, dict):
        detail = {settings.REST_FRAMEWORK.get("NON_FIELD_ERRORS_KEY", "non_field_errors"): detail}
    specific = _first_specific_error(detail)
    if specific is not None:
        return ApiError(400, specific.code, str(specific), _flatten_fields(detail))
    return ApiError(400, "invalid", _("Dữ liệu không hợp lệ."), _flatten_fields(detail))


def request_too_large_error() -> ApiError:
    return ApiError(413, "request_too_large", _("Dữ liệu gửi lên vượt quá giới hạn cho phép."))


def _generic_message(code: str, exc: drf.APIException, method: str = ""):
    """Our own wording for DRF's exceptions, so both languages are ours and no input is echoed."""
    if code == "not_authenticated":
        return _("Bạn chưa đăng nhập.")
    if code == "authentication_failed":
        return _("Thông tin xác thực không hợp lệ hoặc đã hết hiệu lực.")
    if code == "permission_denied":
        return _("Bạn không có quyền thực hiện thao tác này.")
    if code == "csrf_failed":
        return _("Thiếu hoặc sai mã CSRF của phiên đăng nhập.")
    if code == "not_found":
        return _("Không tìm thấy.")
    if code == "method_not_allowed":
        return _("Phương thức %(method)s không được hỗ trợ ở địa chỉ này.") % {
            "method": method[:16]
        }
    if code == "not_acceptable":
        return _("Không thể trả về nội dung ở định dạng được yêu cầu.")
    if code == "unsupported_media_type":
        return _("Kiểu nội dung (Content-Type) của yêu cầu không được hỗ trợ.")
    if code == "throttled":
        wait = getattr(exc, "wait", None)
        if wait:
            return _("Quá nhiều yêu cầu. Vui lòng thử lại sau %(seconds)d giây.") % {
                "seconds": math.ceil(wait)
            }
        return _("Quá nhiều yêu cầu. Vui lòng thử lại sau.")
    if code == "parse_error":
        return _("Nội dung yêu cầu không đúng định dạng.")
    return _("Yêu cầu không hợp lệ.")


# DRF exception → (code, status); the order matters only for subclasses.
DRF_CODES: tuple[tuple[type[drf.APIException], str, int], ...] = (
    (drf.NotAuthenticated, "not_authenticated", 401),
    (drf.AuthenticationFailed, "authentication_failed", 401),
    (drf.PermissionDenied, "permission_denied", 403),
    (drf.NotFound, "not_found", 404),
    (drf.MethodNotAllowed, "method_not_allowed", 405),
    (drf.NotAcceptable, "not_acceptable", 406),
    (drf.UnsupportedMediaType, "unsupported_media_type", 415),
    (drf.Throttled, "throttled", 429),
    (drf.ParseError, "parse_error", 400),
)
# Exceptions whose detail DRF words itself, sometimes from the request (method, media type,
# parser message): never shown, our own message in the user's language is used instead.
_OWN_WORDING = (
    drf.NotAuthenticated,
    drf.AuthenticationFailed,
    drf.MethodNotAllowed,
    drf.NotAcceptable,
    drf.UnsupportedMediaType,
    drf.Throttled,
    drf.ParseError,
)


def _api_exception(exc: drf.APIException, method: str) -> ApiError:
    if isinstance(exc, drf.ValidationError):
        return _validation_error(exc.detail)
    code, status = next(
        ((c, s) for cls, c, s in DRF_CODES if isinstance(exc, cls)),
        (exc.default_code, exc.status_code),
    )
    detail = exc.detail
    message = None
    if isinstance(detail, str) and not isinstance(exc, _OWN_WORDING):
        if isinstance(exc, drf.PermissionDenied) and detail.startswith("CSRF Failed"):
            code = "csrf_failed"
        else:
            # A view that raised e.g. PermissionDenied("…", code="own_submission") keeps both.
            if getattr(detail, "code", None) and detail.code != exc.default_code:
                code = detail.code
            if str(detail) != str(exc.default_detail):
                message = str(detail)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(math.ceil(exc.wait))
    return ApiError(status, code, message or _generic_message(code, exc, method), headers=headers)


def _unexpected(exc: BaseException) -> ApiError:
    # Log the type, where it was raised and the request id only: messages and local
    # variables can carry personal data (an IntegrityError quotes the row).
    request_id = current_request_id()
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"
    logger.error("unhandled %s at %s [request %s]", type(exc).__name__, where, request_id)
    return ApiError(
        500,
        "server_error",
        _("Lỗi máy chủ. Vui lòng thử lại hoặc báo mã yêu cầu cho quản trị viên."),
        extra={"request_id": request_id},
    )


def error_from_exception(exc: BaseException, request=None) -> ApiError:
    """Every exception an API request can raise, as the envelope with its status."""
    if isinstance(exc, RegistryError):
        return ApiError(
            exc.status,
            exc.code,
            str(exc.message),
            _normalise_fields(exc.fields),
            extra=dict(getattr(exc, "extra", None) or {}),
        )
    if isinstance(exc, Http404):
        return ApiError(404, "not_found", _("Không tìm thấy."))
    if isinstance(exc, DjangoPermissionDenied):
        return ApiError(403, "permission_denied", _("Bạn không có quyền thực hiện thao tác này."))
    if isinstance(exc, RequestDataTooBig):
        return request_too_large_error()
    if isinstance(exc, SuspiciousOperation):
        # Too many fields or files, a malformed multipart body, a bad Host header …
        return ApiError(400, "bad_request", _("Yêu cầu không hợp lệ."))
    if isinstance(exc, DjangoValidationError):
        return _validation_error(as_serializer_error(exc))
    if isinstance(exc, IntegrityError):
        # A constraint lost a race with another request (e.g. two approvals at once).
        logger.warning("integrity error answered as 409 [request %s]", current_request_id())
        return ApiError(409, "conflict", _("Xung đột với trạng thái hiện tại."))
    if isinstance(exc, drf.APIException):
        return _api_exception(exc, getattr(request, "method", "") or "")
    return _unexpected(exc)


def exception_handler(exc, context) -> Response:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every failure inside a DRF view."""
    error = error_from_exception(exc, context.get("request"))
    set_rollback()
    return Response(error.body, status=error.status, headers=error.headers)


def json_error_response(error: ApiError) -> JsonResponse:
    response = JsonResponse(error.body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def is_api_request(request) -> bool:
    return request.path.startswith(API_PATH_PREFIX)


class ApiExceptionMiddleware:
    """Answers exceptions from non-DRF views under /api/ with the envelope (and logs no values)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_api_request(request):
            return None
        return json_error_response(error_from_exception(exception, request))


# Django's handler400/403/404/500 (wired in registry/urls.py): the envelope under /api/,
# Django's own pages elsewhere.


def bad_request(request, exception, *args, **kwargs):
    if is_api_request(request):
        if isinstance(exception, RequestDataTooBig):
            return json_error_response(request_too_large_error())
        return json_error_response(ApiError(400, "bad_request", _("Yêu cầu không hợp lệ.")))
    return defaults.bad_request(request, exception, *args, **kwargs)


def permission_denied(request, exception, *args, **kwargs):
    if is_api_request(request):
        return json_error_response(
            ApiError(403, "permission_denied", _("Bạn không có quyền thực hiện thao tác này."))
        )
    return defaults.permission_denied(request, exception, *args, **kwargs)


def page_not_found(request, exception, *args, **kwargs):
    if is_api_request(request):
        return json_error_response(ApiError(404, "not_found", _("Không tìm thấy.")))
    return defaults.page_not_found(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    if is_api_request(request):
        return json_error_response(
            ApiError(
                500,
                "server_error",
                _("Lỗi máy chủ. Vui lòng thử lại hoặc báo mã yêu cầu cho quản trị viên."),
                extra={"request_id": current_request_id()},
            )
        )
    return defaults.server_error(request, *args, **kwargs)
