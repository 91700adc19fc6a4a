"""What the beneficiary endpoints share: unmasking with its audit trail, and list pagination."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets

from registry.api.permissions import ActionPermission
from registry.audit import AuditAction, audit_record
from registry.exceptions import Forbidden, ValidationFailed

UNMASK_PARAMETER = OpenApiParameter(
    "unmask",
    int,
    description="1 = show national ID and phone unmasked (needs view_sensitive; audited).",
    enum=[0, 1],
    required=False,
)


def wants_unmasked(request) -> bool:
    value = request.query_params.get("unmask", "0").strip().lower()
    if value in ("0", "false", ""):
        return False
    if value not in ("1", "true"):
        message = _("unmask phải là 0 hoặc 1.")
        raise ValidationFailed(message, fields={"unmask": [message]})
    if not request.user.has_perm("beneficiaries.view_sensitive"):
        raise Forbidden(
            _("Bạn không có quyền xem dữ liệu cá nhân không che."), code="unmask_not_allowed"
        )
    return True


def audit_unmasked_read(request, persons: Iterable) -> None:
    """Every unmasked read of a person is an audit event (who, when, which record)."""
    for person in persons:
        audit_record(
            actor=request.user,
            action=AuditAction.PERSON_UNMASKED_READ,
            obj=person,
            data={"path": request.path},
        )


def paginate(view, queryset, serializer_class, *, context: dict | None = None, after_page=None):
    page = view.paginate_queryset(queryset)
    if after_page is not None:
        after_page(page)
    data = serializer_class(page, many=True, context=context or {}).data
    return view.get_paginated_response(data)


class RegistryViewSet(viewsets.GenericViewSet):
    """Thin viewsets: parse input, call one service or selector, serialize the result."""

    permission_classes = [ActionPermission]
    required_permissions: dict[str, str] = {}

    @staticmethod
    def valid(serializer_class, data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
