"""Display filters: every national ID and phone on a page goes through these (masked unless the
view decided, with the permission and an audit event, to unmask)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from registry.masking import mask_national_id, mask_phone

register = template.Library()


@register.filter
def nid(value: str | None, unmask: bool = False) -> str:
    if not value:
        return "—"
    return value if unmask else mask_national_id(value)


@register.filter
def phone(value: str | None, unmask: bool = False) -> str:
    if not value:
        return "—"
    return value if unmask else mask_phone(value)


@register.filter
def vnd(value: Decimal | int | None) -> str:
    """An amount in đồng with thousands separators: 1.500.000 đ (vi) or 1,500,000 đ (en)."""
    if value is None:
        return "—"
    grouped = f"{Decimal(value):,.0f}"
    if (get_language() or "vi").startswith("vi"):
        grouped = grouped.replace(",", ".")
    return f"{grouped} đ"


@register.filter
def month(value) -> str:
    return f"{value:%m/%Y}" if value else "—"


@register.filter
def action_label(action: str) -> str:
    from registry.audit import AuditAction

    try:
        return AuditAction(action).label
    except ValueError:
        return action


@register.filter
def get(mapping: dict, key):
    return mapping.get(key) if mapping else None
