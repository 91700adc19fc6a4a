"""Reads of issued certificates, narrowed to the user's communes first."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates import subjects
from certificates.models import Certificate, CertificateKind
from registry.access import scope_to_user
from registry.exceptions import NotFound, ValidationFailed

LIST_FILTERS = ("commune", "kind", "status", "household", "case")
STATUS_FILTERS = ("current", "revoked", "expired")


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_filter", fields={field: [message]})


def certificates_list(*, user, filters: dict | None = None) -> QuerySet[Certificate]:
    filters = filters or {}
    queryset = scope_to_user(Certificate.objects.all(), user).select_related("issued_by")
    if filters.get("commune"):
        queryset = queryset.filter(commune_id=filters["commune"])
    if filters.get("kind"):
        if filters["kind"] not in CertificateKind.values:
            raise _invalid("kind", _("Loại giấy không hợp lệ."))
        queryset = queryset.filter(kind=filters["kind"])
    for name in ("household", "case"):
        if filters.get(name):
            value = str(filters[name])
            if not value.isdigit() or len(value) > 18:
                raise _invalid(name, _("Phải là số."))
            queryset = queryset.filter(**{f"{name}_id": int(value)})
    status = filters.get("status")
    if status:
        today = timezone.localdate()
        if status == "current":
            queryset = queryset.filter(revoked_at__isnull=True, valid_until__gte=today)
        elif status == "revoked":
            queryset = queryset.filter(revoked_at__isnull=False)
        elif status == "expired":
            queryset = queryset.filter(revoked_at__isnull=True, valid_until__lt=today)
        else:
            raise _invalid("status", _("Trạng thái không hợp lệ."))
    return queryset.order_by("-id")


def certificate_get(*, user, certificate_id) -> Certificate:
    queryset = subjects.with_subjects(scope_to_user(Certificate.objects.all(), user))
    try:
        return queryset.get(pk=int(certificate_id))
    except (Certificate.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def certificates_current(*, user, commune_code: str, kind: str | None = None) -> QuerySet:
    """Certificates of a commune still in force, in number order, ready to render."""
    queryset = scope_to_user(Certificate.objects.all(), user).filter(
        commune_id=commune_code, revoked_at__isnull=True, valid_until__gte=timezone.localdate()
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return subjects.with_subjects(queryset).order_by("kind", "year", "serial")
