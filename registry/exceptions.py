"""One exception hierarchy for the whole registry; the API maps each to the error envelope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class RegistryError(Exception):
    """Base of every expected failure. `code` is stable and machine-readable; `message` is for people."""

    status = 400
    code = "invalid"
    default_message = _("Dữ liệu không hợp lệ.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.code))  # never put personal data in str(exc)


class ValidationFailed(RegistryError):
    status = 400
    code = "invalid"


class NotFound(RegistryError):
    status = 404
    code = "not_found"
    default_message = _("Không tìm thấy.")


class Forbidden(RegistryError):
    status = 403
    code = "permission_denied"
    default_message = _("Bạn không có quyền thực hiện thao tác này.")


class Conflict(RegistryError):
    status = 409
    code = "conflict"
    default_message = _("Xung đột với trạng thái hiện tại.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("Không thể chuyển trạng thái hồ sơ như yêu cầu.")
