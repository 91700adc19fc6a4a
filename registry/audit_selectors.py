"""Reads of the audit trail for auditors: filters on codes, ids and dates, newest first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.audit_chain import ChainHead, audit_chain_head
from registry.exceptions import ValidationFailed
from registry.models import AuditEvent

__all__ = ["LIST_FILTERS", "ChainHead", "audit_chain_head", "audit_events_list"]

LIST_FILTERS = ("actor", "action", "object_type", "object_id", "commune", "from", "to")


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_filter", fields={field: [message]})


def _day(filters: dict, name: str) -> date | None:
    value = filters.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)) if len(str(value)) == 10 else None
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events_list(*, filters: dict | None = None) -> QuerySet[AuditEvent]:
    """Every event (the caller holds registry.view_auditevent), newest first.

    `from` and `to` are local dates (Asia/Ho_Chi_Minh), both included.
    """
    filters = filters or {}
    for name in LIST_FILTERS:
        value = str(filters.get(name) or "")
        if "\x00" in value or len(value) > 150:
            raise _invalid(name, _("Giá trị lọc không hợp lệ."))
    queryset = AuditEvent.objects.select_related("actor")
    for name in ("action", "object_type", "object_id"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("commune"):
        queryset = queryset.filter(commune_code=filters["commune"])
    if filters.get("actor"):
        queryset = queryset.filter(actor__username=filters["actor"])
    for name in ("from", "to"):
        if filters.get(name) and _day(filters, name) is None:
            raise _invalid(name, _("Ngày phải có dạng YYYY-MM-DD."))
    start, end = _day(filters, "from"), _day(filters, "to")
    if start and end and start > end:
        raise _invalid("to", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
    if start:
        queryset = queryset.filter(at__gte=_start_of(start))
    if end:
        queryset = queryset.filter(at__lt=_start_of(end + timedelta(days=1)))
    return queryset.order_by("-sequence")
