"""Issued certificates and the public keys that signed them (private keys never reach the database)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.fields import EncryptedTextField
from registry.models import Commune


class CertificateKind(models.TextChoices):
    HOUSEHOLD_POVERTY = "household_poverty", _("Giấy chứng nhận hộ nghèo, hộ cận nghèo")
    BENEFICIARY_STATUS = "beneficiary_status", _("Giấy xác nhận đang hưởng chính sách")


class RevocationCode(models.TextChoices):
    MANUAL = "manual", _("Thu hồi theo quyết định")
    SUPERSEDED = "superseded", _("Đã cấp giấy mới thay thế")
    CASE_ENDED = "case_ended", _("Hồ sơ hưởng đã dừng hoặc tạm dừng")
    LEFT_POVERTY = "left_poverty", _("Hộ không còn thuộc diện đã chứng nhận")


class SigningKey(models.Model):
    """A published Ed25519 public key. The private half lives in the environment (or var/)."""

    kid = models.CharField(max_length=16, primary_key=True)
    public_key = models.CharField(max_length=64, help_text="x: 32 bytes, base64url")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "kid"]
        verbose_name = _("khóa ký giấy chứng nhận")
        verbose_name_plural = _("khóa ký giấy chứng nhận")

    def __str__(self) -> str:
        return self.kid


class Certificate(models.Model):
    """One issued certificate: its number, what it certifies, the signed token printed as a QR."""

    kind = models.CharField(max_length=18, choices=CertificateKind.choices)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField(max_length=40)
    household = models.ForeignKey(
        "beneficiaries.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    poverty_assessment = models.ForeignKey(
        "beneficiaries.PovertyAssessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "beneficiaries.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The person the token names (household head, or the case's person): a code, not a name.
    subject_ss_code = models.CharField(max_length=14)
    issued_at = models.DateTimeField()
    issued_on = models.DateField()
    valid_until = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signatory_name = models.CharField(max_length=120, blank=True)
    signatory_title = models.CharField(max_length=60, blank=True)
    signing_key = models.ForeignKey(
        SigningKey, on_delete=models.PROTECT, related_name="certificates"
    )
    status_index = models.PositiveIntegerField(unique=True)
    # The signed token exactly as printed: reprints show the same QR code, even after the
    # private key that signed it has been rotated out.
    token = models.TextField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_code = models.CharField(
        max_length=12, choices=RevocationCode.choices, blank=True, default=""
    )
    revocation_reason = EncryptedTextField(_("lý do thu hồi"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        permissions = [
            ("issue_certificate", _("Được cấp giấy chứng nhận")),
            ("print_certificate", _("Được in giấy chứng nhận")),
            ("revoke_certificate", _("Được thu hồi giấy chứng nhận")),
            ("print_payment_list", _("Được in danh sách chi trả để ký nhận")),
        ]
        indexes = [
            models.Index(fields=["commune", "kind", "revoked_at"], name="certificate_commune_idx"),
            models.Index(fields=["revoked_at", "status_index"], name="certificate_revoked_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "kind", "year", "serial"], name="certificate_number_series"
            ),
            # At most one certificate in force per household / per case: a reissue revokes the
            # previous one ("superseded") in the same transaction.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(revoked_at__isnull=True, kind="household_poverty"),
                name="one_current_household_certificate",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(revoked_at__isnull=True, kind="beneficiary_status"),
                name="one_current_case_certificate",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="household_poverty",
                        household__isnull=False,
                        poverty_assessment__isnull=False,
                        case__isnull=True,
                    )
                    | Q(kind="beneficiary_status", case__isnull=False, household__isnull=True)
                ),
                name="certificate_subject_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")),
                name="certificate_valid_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revocation_code="")
                | Q(revoked_at__isnull=False) & ~Q(revocation_code=""),
                name="certificate_revocation_has_code",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
