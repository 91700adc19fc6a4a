"""Public verification endpoints (no login): a token's status, the keys, the status list."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from certificates import keys, online
from certificates.apis import serializers as s
from certificates.status_list import MEDIA_TYPE
from certificates.verification import Verification


class VerifyThrottle(SimpleRateThrottle):
    """Scope "verify": requests per client address, REGISTRY_VERIFY_THROTTLE (read per request)."""

    scope = "verify"

    def get_rate(self) -> str:
        return settings.REGISTRY_VERIFY_THROTTLE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def verification_data(result: Verification) -> dict:
    """What the token itself says, and nothing else: no name, no ID number, no address."""
    claims = result.claims
    if claims is None:
        empty = dict.fromkeys(
            ("kind", "number", "issued_on", "valid_until", "commune_code", "subject_ss_code")
        )
        return {"valid": False, "status": result.status, **empty}
    return {
        "valid": result.valid,
        "status": result.status,
        "kind": claims.kind,
        "number": claims.number,
        "issued_on": timezone.localdate(claims.issued_at),
        "valid_until": timezone.localdate(claims.expires_at - timedelta(seconds=1)),
        "commune_code": claims.commune_code,
        "subject_ss_code": claims.subject_ss_code,
    }


class PublicApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]


class VerifyApi(PublicApi):
    @extend_schema(
        tags=["verify"],
        operation_id="verify_token",
        summary="Kiểm tra giấy chứng nhận (công khai)",
        description=(
            "valid | revoked | expired | invalid. Chỉ trả về những gì mã QR mang theo; một mã bị "
            "sửa dù một ký tự là invalid. Giới hạn số lần gọi theo địa chỉ IP."
        ),
        auth=[],
        parameters=[s.VerifyQuery],
        responses={200: s.VerifyOutput},
    )
    def get(self, request):
        query = s.VerifyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = online.certificate_verify(query.validated_data["token"])
        return Response(s.VerifyOutput(verification_data(result)).data)


class KeysApi(PublicApi):
    @extend_schema(
        tags=["verify"],
        operation_id="verify_keys",
        summary="Khóa công khai dùng để kiểm tra chữ ký (JWKS)",
        description=(
            "Khóa Ed25519 dạng JWK (RFC 7517/8037). Khóa cũ được giữ đến khi mọi giấy nó đã "
            "ký hết hạn. Xem docs/certificates.md."
        ),
        auth=[],
        responses={200: s.JwksOutput},
    )
    def get(self, request):
        return Response(s.JwksOutput(keys.jwks()).data)


class StatusListApi(PublicApi):
    @extend_schema(
        tags=["verify"],
        operation_id="verify_status_list",
        summary="Danh sách trạng thái thu hồi (Token Status List, CWT đã ký)",
        description=(
            "Mỗi giấy một bit (1 = đã thu hồi), nén zlib, trong một CWT ký bằng khóa hiện hành "
            "có ngày phát hành (iat) và hạn (exp). Người kiểm tra ngoại tuyến tải và lưu lại."
        ),
        auth=[],
        responses={
            (200, MEDIA_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="CWT (COSE_Sign1)")
        },
    )
    def get(self, request):
        response = HttpResponse(online.status_list_build(), content_type=MEDIA_TYPE)
        # A minute at most in shared caches: a revocation must reach verifiers quickly.
        response["Cache-Control"] = "public, max-age=60"
        return response
