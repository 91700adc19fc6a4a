"""Serializer fields for the contract's formats: months "YYYY-MM", money as whole-đồng strings."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-07"}
)
class MonthField(serializers.Field):
    default_error_messages = {"invalid": _("Tháng phải có dạng YYYY-MM.")}

    def to_internal_value(self, data) -> date:
        match = MONTH_PATTERN.match(data) if isinstance(data, str) else None
        if not match:
            self.fail("invalid")
        year, month = int(match.group(1)), int(match.group(2))
        if not (1 <= month <= 12 and 1900 <= year <= 2200):
            self.fail("invalid")
        return date(year, month, 1)

    def to_representation(self, value: date) -> str:
        return f"{value.year:04d}-{value.month:02d}"


@extend_schema_field({"type": "string", "pattern": r"^\d+$", "example": "1250000"})
class MoneyField(serializers.DecimalField):
    """Whole đồng, a string in JSON ("1250000"); accepts a string or an integer on input."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 0)
        kwargs.setdefault("min_value", 0)
        kwargs["coerce_to_string"] = True
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.DATE)
class StrictDateField(serializers.DateField):
    """A YYYY-MM-DD date within a sane range (no year 1 or 9999 surprises from clients)."""

    default_error_messages = {"out_of_range": _("Ngày phải nằm trong khoảng 1900–2200.")}

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        if not 1900 <= result.year <= 2200:
            self.fail("out_of_range")
        return result
