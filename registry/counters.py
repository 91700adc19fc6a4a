"""Gap-free serial numbers (social-security codes, household codes) that are never reused."""

from __future__ import annotations

from django.db import models, transaction


class Counter(models.Model):
    scope = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        app_label = "registry"

    def __str__(self) -> str:
        return f"{self.scope}={self.value}"


def counter_reserve(scope: str, count: int = 1) -> int:
    """Reserve `count` consecutive values and return the first; serialised by a row lock."""
    with transaction.atomic():
        Counter.objects.get_or_create(scope=scope)
        counter = Counter.objects.select_for_update().get(scope=scope)
        first = counter.value + 1
        counter.value += count
        counter.save(update_fields=["value"])
    return first
