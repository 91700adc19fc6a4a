"""Input and output shapes of the certificate endpoints (docs/api.md, "Certificates")."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from certificates.models import CertificateKind, RevocationCode
from certificates.subjects import verify_url
from certificates.verification import STATUSES


class CertificateIssueInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CertificateKind.choices)
    household_id = serializers.IntegerField(
        required=False, min_value=1, max_value=2**62, help_text="Cho household_poverty."
    )
    case_id = serializers.IntegerField(
        required=False, min_value=1, max_value=2**62, help_text="Cho beneficiary_status."
    )
    signatory_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text="Họ tên người ký (in dưới chữ ký).",
    )
    signatory_title = serializers.CharField(
        required=False, allow_blank=True, max_length=60, help_text="Mặc định: Chủ tịch."
    )


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Lý do thu hồi (bắt buộc).")


class CertificateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=CertificateKind.choices)
    status = serializers.SerializerMethodField()
    commune_code = serializers.CharField(source="commune_id")
    household_id = serializers.IntegerField(allow_null=True)
    case_id = serializers.IntegerField(allow_null=True)
    subject_ss_code = serializers.CharField()
    issued_on = serializers.DateField()
    issued_at = serializers.DateTimeField()
    valid_until = serializers.DateField()
    issued_by = serializers.CharField(source="issued_by.username")
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_code = serializers.ChoiceField(
        choices=[("", "")] + list(RevocationCode.choices), allow_blank=True
    )
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    def get_status(self, certificate) -> str:
        """current | revoked | expired"""
        if certificate.revoked_at is not None:
            return "revoked"
        if certificate.valid_until < timezone.localdate():
            return "expired"
        return "current"

    def get_verify_url(self, certificate) -> str:
        return verify_url(certificate.token)

    def get_pdf_url(self, certificate) -> str:
        path = reverse("certificate-pdf", args=[certificate.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class VerifyQuery(serializers.Serializer):
    token = serializers.CharField(max_length=4096, trim_whitespace=True)


class VerifyOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    status = serializers.ChoiceField(choices=[(s, s) for s in STATUSES])
    kind = serializers.ChoiceField(choices=CertificateKind.choices, allow_null=True)
    number = serializers.CharField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    commune_code = serializers.CharField(allow_null=True)
    subject_ss_code = serializers.CharField(allow_null=True)


class JwkOutput(serializers.Serializer):
    kty = serializers.CharField()
    crv = serializers.CharField()
    alg = serializers.CharField()
    use = serializers.CharField()
    kid = serializers.CharField()
    x = serializers.CharField(help_text="Khóa công khai Ed25519, 32 byte, base64url.")
    status = serializers.ChoiceField(choices=[("active", "active"), ("retired", "retired")])
    valid_until = serializers.DateField(
        allow_null=True, help_text="Hạn cuối của các giấy mà khóa này đã ký."
    )


class JwksOutput(serializers.Serializer):
    keys = JwkOutput(many=True)
