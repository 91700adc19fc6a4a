"""Issuing, listing, printing and revoking certificates (approvers in their communes, auditors)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from beneficiaries.apis.common import RegistryViewSet, paginate
from certificates import printing, selectors, services
from certificates.apis import serializers as s
from certificates.models import Certificate, CertificateKind


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách giấy chứng nhận đã cấp",
        parameters=[
            OpenApiParameter("commune", str, description="Mã xã (5 chữ số)"),
            OpenApiParameter("kind", str, enum=CertificateKind.values),
            OpenApiParameter("status", str, enum=list(selectors.STATUS_FILTERS)),
            OpenApiParameter("household", int, description="Mã số (id) hộ"),
            OpenApiParameter("case", int, description="Mã số (id) hồ sơ hưởng"),
        ],
        responses=s.CertificateOutput(many=True),
    ),
    create=extend_schema(
        summary="Cấp giấy chứng nhận",
        description=(
            "Cấp số theo sổ của xã trong năm, ký mã QR (CWT/COSE, Ed25519) và ghi sổ. Giấy hộ "
            "nghèo: `household_id`, theo kết quả rà soát năm nay. Giấy xác nhận đang hưởng: "
            "`case_id`, hồ sơ đang hưởng. Giấy cũ còn hiệu lực của cùng hộ/hồ sơ bị thu hồi "
            "(superseded)."
        ),
        request=s.CertificateIssueInput,
        responses={201: s.CertificateOutput},
    ),
    retrieve=extend_schema(summary="Chi tiết giấy chứng nhận", responses=s.CertificateOutput),
)
@extend_schema(tags=["certificates"])
class CertificateViewSet(RegistryViewSet):
    queryset = Certificate.objects.none()  # for the schema's path types only
    lookup_value_regex = r"[0-9]+"
    required_permissions = {
        "list": "certificates.view_certificate",
        "retrieve": "certificates.view_certificate",
        "create": "certificates.issue_certificate",
        "pdf": "certificates.print_certificate",
        "revoke": "certificates.revoke_certificate",
    }

    def _out(self, certificate, status_code=status.HTTP_200_OK) -> Response:
        data = s.CertificateOutput(certificate, context={"request": self.request}).data
        return Response(data, status=status_code)

    def list(self, request):
        certificates = selectors.certificates_list(user=request.user, filters=request.query_params)
        return paginate(self, certificates, s.CertificateOutput, context={"request": request})

    def create(self, request):
        data = self.valid(s.CertificateIssueInput, request.data)
        certificate = services.certificate_issue(actor=request.user, **data)
        return self._out(certificate, status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return self._out(selectors.certificate_get(user=request.user, certificate_id=pk))

    @extend_schema(
        summary="Tải giấy chứng nhận (PDF)",
        description="In lại đúng giấy đã cấp (cùng số, cùng mã QR); mỗi lần in được ghi nhật ký.",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            409: OpenApiResponse(description="Giấy đã bị thu hồi hoặc đã hết hiệu lực."),
        },
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        filename, pdf = printing.certificate_pdf(actor=request.user, certificate_id=pk)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @extend_schema(
        summary="Thu hồi giấy chứng nhận",
        description="Thu hồi có lý do; danh sách trạng thái công bố ghi nhận ngay.",
        request=s.RevokeInput,
        responses={200: s.CertificateOutput},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        certificate = selectors.certificate_get(user=request.user, certificate_id=pk)
        data = self.valid(s.RevokeInput, request.data)
        services.certificate_revoke(
            actor=request.user, certificate_id=certificate.pk, reason=data["reason"]
        )
        return self._out(selectors.certificate_get(user=request.user, certificate_id=pk))
