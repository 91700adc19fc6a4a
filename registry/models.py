"""Shared core models: administrative units, staff users with their communes, and audit events."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
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


GENESIS_HASH = "0" * 64


class AuditTrailIsAppendOnly(RuntimeError):
    """Audit events are never changed or deleted through the application."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("audit events are never updated")

    def delete(self):
        raise AuditTrailIsAppendOnly("audit events are never deleted")


class AuditEvent(models.Model):
    """One state change or sensitive read. Holds ids and field names, never personal data.

    Events form a hash chain (registry/audit_chain.py): `sequence` numbers them without gaps,
    `prev_hash` is the previous event's `hash`, and `hash` is SHA-256 over this event's canonical
    serialisation including `prev_hash`, so changing, removing, inserting or reordering any event
    breaks the chain from there on (`manage.py verify_audit`).
    """

    sequence = models.PositiveBigIntegerField(editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    commune_code = models.CharField(max_length=5, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["sequence"], name="audit_sequence_unique"),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="audit_sequence_gte_1"
            ),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["commune_code", "at"], name="audit_commune_idx"),
            models.Index(fields=["action", "at"], name="audit_action_idx"),
        ]
        verbose_name = _("sự kiện kiểm toán")
        verbose_name_plural = _("sự kiện kiểm toán")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("audit events are never updated")
        if self.hash:  # sealed by registry.audit_chain, which holds the chain's lock
            super().save(*args, **kwargs)
            return
        from registry.audit_chain import chain_append

        chain_append([self])

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("audit events are never deleted")


class AuditChainHead(models.Model):
    """The chain's last sequence number and hash: one row, locked by every append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_one_row")]
        verbose_name = _("đầu chuỗi nhật ký kiểm toán")
        verbose_name_plural = _("đầu chuỗi nhật ký kiểm toán")

    def __str__(self) -> str:
        return f"{self.sequence} {self.hash}"


from registry.counters import Counter  # noqa: E402,F401
