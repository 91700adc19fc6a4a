"""OpenAPI generation: the error envelope as a component, attached to every operation's error statuses.

`RegistryAutoSchema` is REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"], so endpoints added later get the
same documented errors without doing anything; a view that documents a status itself (e.g. a
400 with import rows) keeps its own description, and gains the envelope schema if it gave none.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, get_doc
from rest_framework.permissions import AllowAny

ERROR_COMPONENT = "ErrorEnvelope"
ERROR_BODY_COMPONENT = "ErrorBody"

ERROR_BODY_SCHEMA = {
    "type": "object",
    "description": (
        "One error. `code` is stable and machine-readable (not_authenticated, "
        "authentication_failed, invalid_credentials, permission_denied, csrf_failed, not_found, "
        "method_not_allowed, unsupported_media_type, parse_error, invalid, invalid_national_id "
        "and other field-specific codes, conflict, invalid_transition, request_too_large, "
        "throttled, import_invalid, job_already_running, server_error, …); `message` is for "
        "people, in the language of Accept-Language; `fields` maps each invalid field to its "
        "messages."
    ),
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "request_id": {
            "type": "string",
            "description": "Only on server_error: quote it when reporting the failure.",
        },
        "job_id": {
            "type": "integer",
            "description": "Only on job_already_running: the job already running.",
        },
        "rows": {
            "type": "array",
            "description": "Only on import_invalid: every problem found in the file.",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": "integer", "nullable": True},
                    "column": {"type": "string", "nullable": True},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "required": ["code", "message", "fields"],
}

ERROR_ENVELOPE_SCHEMA = {
    "type": "object",
    "properties": {"error": {"$ref": f"#/components/schemas/{ERROR_BODY_COMPONENT}"}},
    "required": ["error"],
}

# Status → description, attached to every operation (401/403 only where a login is involved).
COMMON_ERRORS = {
    400: _("Dữ liệu không hợp lệ (fields nêu từng trường) hoặc nội dung sai định dạng."),
    401: _("Chưa đăng nhập, hoặc token không hợp lệ."),
    403: _("Không có quyền thực hiện thao tác này."),
    404: _("Không tìm thấy, hoặc nằm ngoài xã/phường của người dùng."),
    409: _("Xung đột với trạng thái hiện tại (ví dụ phê duyệt hai lần)."),
    413: _("Dữ liệu gửi lên vượt quá giới hạn."),
}
UNSUPPORTED_MEDIA_TYPE = _("Kiểu nội dung (Content-Type) không được hỗ trợ.")
THROTTLED = _("Quá nhiều yêu cầu; thử lại sau số giây trong tiêu đề Retry-After.")


class RegistryAutoSchema(AutoSchema):
    def get_description(self) -> str:
        # A view's description is its own docstring, never one inherited from a shared base
        # class (which would describe the base, e.g. "thin viewsets", on every operation).
        action = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        own_doc = self.view.__class__.__dict__.get("__doc__")
        return get_doc(action) or (get_doc(self.view.__class__) if own_doc else "")

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        envelope_ref = self._register_error_components()
        responses = operation.setdefault("responses", {})
        for status, description in self._error_statuses(operation).items():
            response = responses.setdefault(str(status), {"description": str(description)})
            response.setdefault("content", {"application/json": {"schema": envelope_ref}})
            if status == 429:
                response.setdefault("headers", {}).setdefault(
                    "Retry-After",
                    {"schema": {"type": "integer"}, "description": "Seconds to wait."},
                )
        return operation

    def _error_statuses(self, operation) -> dict:
        statuses = dict(COMMON_ERRORS)
        if self._is_public():
            statuses.pop(401)
            statuses.pop(403)
        if "requestBody" in operation:
            statuses[415] = UNSUPPORTED_MEDIA_TYPE
        if getattr(self.view, "throttle_classes", None):
            statuses[429] = THROTTLED
        return dict(sorted(statuses.items()))

    def _is_public(self) -> bool:
        """No authentication is attempted and anyone may call: a 401 or 403 cannot happen."""
        view = self.view
        return not getattr(view, "authentication_classes", None) and all(
            isinstance(permission, AllowAny) for permission in view.get_permissions()
        )

    def _register_error_components(self) -> dict:
        body = ResolvedComponent(
            name=ERROR_BODY_COMPONENT,
            type=ResolvedComponent.SCHEMA,
            object=ERROR_BODY_COMPONENT,
            schema=ERROR_BODY_SCHEMA,
        )
        envelope = ResolvedComponent(
            name=ERROR_COMPONENT,
            type=ResolvedComponent.SCHEMA,
            object=ERROR_COMPONENT,
            schema=ERROR_ENVELOPE_SCHEMA,
        )
        self.registry.register_on_missing(body)
        self.registry.register_on_missing(envelope)
        return envelope.ref
