"""Shared core models: administrative units, staff users with their communes, and audit events."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """A post-2025 province (34 of them); the code keeps its leading zero ("01")."""

    code = models.CharField(_("mã tỉnh"), max_length=2, primary_key=True)
    name = models.CharField(_("tên"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Commune(models.Model):
    """A post-2025 commune or ward (5-digit code, "00004")."""

    code = models.CharField(_("mã xã"), max_length=5, primary_key=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại"), max_length=40)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")

    class Meta:
        ordering = ["code"]
        verbose_name = _("xã/phường")
        verbose_name_plural = _("xã/phường")
        indexes = [models.Index(fields=["province", "code"], name="commune_province_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class User(AbstractUser):
    """A staff member; commune-scoped work is limited to `communes`."""

    communes = models.ManyToManyField(Commune, blank=True, related_name="users")

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")


class AuditEvent(models.Model):
    """One state change or sensitive read. Holds ids and field names, never personal data."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    commune_code = models.CharField(max_length=5, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["commune_code", "at"], name="audit_commune_idx"),
        ]
        verbose_name = _("sự kiện kiểm toán")
        verbose_name_plural = _("sự kiện kiểm toán")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


from registry.counters import Counter  # noqa: E402,F401
