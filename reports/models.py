"""The stored per-commune figures of a period (reports/snapshot.py): the raw counts and amounts
one commune contributes to a summary, and the audit chain sequence they are valid at."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommuneFigures(models.Model):
    """One commune's raw figures for one period key (year, month, amounts or not, settings).

    `figures` holds counts and amounts only (reports/snapshot.py encodes them); rates, totals,
    targets and the small-number rule are always derived again by reports/summary.py.
    `audit_sequence`: the audit chain head read before the figures were computed — any later
    event naming the commune (or no commune, when it can change figures) makes them stale.
    """

    commune = models.ForeignKey("registry.Commune", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    month = models.DateField()
    figures = models.JSONField()
    audit_sequence = models.PositiveBigIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "commune"], name="commune_figures_key_unique")
        ]
        verbose_name = _("số liệu báo cáo của xã")
        verbose_name_plural = _("số liệu báo cáo của xã")

    def __str__(self) -> str:
        return f"{self.commune_id} {self.year} {self.month:%Y-%m} @{self.audit_sequence}"
