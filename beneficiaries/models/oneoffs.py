"""One-off entitlements after a death (funeral allowance, meritorious one-off), paid exactly once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.cases import Case
from beneficiaries.models.people import Person
from beneficiaries.models.rates import OneOffKind
from registry.fields import EncryptedTextField
from registry.models import Commune


class PayeeKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Cơ quan, tổ chức")


class OneOffStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đã nộp đơn")
    APPROVED = "approved", _("Đã quyết định, chờ chi trả")
    PAID = "paid", _("Đã chi trả")
    REJECTED = "rejected", _("Bị từ chối")


class OneOffEntitlement(models.Model):
    """A one-off amount due because a beneficiary died, recorded when the family or the organiser
    of the funeral applies (never automatically on the death), decided by an approver other than
    the one who recorded the application, and paid once to the payee — never to the deceased.
    """

    deceased = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="one_offs")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="one_offs"
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=OneOffKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    payee_kind = models.CharField(max_length=12, choices=PayeeKind.choices)
    # A registered person (a relative), or a name for an organisation or an unregistered person.
    payee_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payee_name = EncryptedTextField(_("người/tổ chức nhận"))
    application_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=OneOffStatus.choices, default=OneOffStatus.PROPOSED
    )
    decision_number = models.CharField(max_length=60, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    status_reason = EncryptedTextField(_("lý do"))
    payment_reference = models.CharField(max_length=60, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("trợ cấp một lần")
        verbose_name_plural = _("trợ cấp một lần")
        permissions = [("decide_one_off", _("Quyết định trợ cấp một lần"))]
        indexes = [
            models.Index(fields=["commune", "status"], name="one_off_commune_status_idx"),
        ]
        constraints = [
            # Each one-off is granted once per deceased person, whoever applies.
            models.UniqueConstraint(
                fields=["deceased", "kind"],
                condition=~Q(status="rejected"),
                name="one_off_once_per_death",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="one_off_amount_positive"),
            models.CheckConstraint(
                condition=Q(payee_person__isnull=True) | ~Q(payee_person=models.F("deceased")),
                name="one_off_payee_not_deceased",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "paid"])
                | (Q(decision_number__gt="") & Q(decision_date__isnull=False)),
                name="one_off_decided_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.deceased_id} ({self.status})"
