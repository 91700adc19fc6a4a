"""Request-size limits checked before anything reads the body, so an oversized request answers 413.

Django enforces DATA_UPLOAD_MAX_MEMORY_SIZE only when `request.body` or `request.POST` is read,
and DRF's JSON parser reads the stream directly, so neither bounds a JSON body. This middleware
compares Content-Length with the limit for the request's content type up front:
multipart/form-data (file uploads) may reach REGISTRY_MAX_UPLOAD_BYTES, everything else
DATA_UPLOAD_MAX_MEMORY_SIZE. A body without Content-Length reads as empty under WSGI.
Limits met lazily further in (e.g. a multipart body whose form fields exceed
DATA_UPLOAD_MAX_MEMORY_SIZE) raise RequestDataTooBig, which registry.api.errors maps to 413.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

from registry.api.errors import is_api_request, json_error_response, request_too_large_error


def body_limit(content_type: str) -> int | None:
    """The largest body accepted for a content type, in bytes (None: unlimited)."""
    if content_type.split(";", 1)[0].strip().lower() == "multipart/form-data":
        return settings.REGISTRY_MAX_UPLOAD_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def request_too_large_response(request) -> HttpResponse:
    if is_api_request(request):
        return json_error_response(request_too_large_error())
    return HttpResponse(
        _("Dữ liệu gửi lên vượt quá giới hạn cho phép."),
        status=413,
        content_type="text/plain; charset=utf-8",
    )


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads an unparsable Content-Length as an empty body too
        limit = body_limit(request.META.get("CONTENT_TYPE", ""))
        if limit is not None and length > limit:
            return request_too_large_response(request)
        return self.get_response(request)
