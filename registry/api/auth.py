"""POST /api/v1/auth/token/: exchange a username and password for a DRF token, throttled against guessing."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from registry.audit import AuditAction, audit_record
from registry.exceptions import ValidationFailed
from registry.security import otp_device_for, otp_required


class InvalidCredentials(ValidationFailed):
    code = "invalid_credentials"
    default_message = _("Tên đăng nhập hoặc mật khẩu không đúng.")


# audit: the second factor for the roles that need one (registry/security.py)
class OTPRequired(ValidationFailed):
    code = "otp_required"
    default_message = _("Vai trò của bạn cần mã xác thực hai lớp; mã không đúng hoặc thiếu.")


def auth_token_issue(*, request, username: str, password: str, otp_token: str = "") -> Token:
    """The user's token (created on first use); an unknown user, a wrong password or an
    inactive account all answer the same `invalid_credentials`, so accounts cannot be probed."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise InvalidCredentials()
    if otp_required(user) and otp_device_for(user, otp_token) is None:
        user_login_failed.send(__name__, credentials={"username": username}, request=request)
        raise OTPRequired()
    with transaction.atomic(durable=True):
        token, created = Token.objects.get_or_create(user=user)
        audit_record(
            actor=user,
            action=AuditAction.TOKEN_ISSUED if created else AuditAction.TOKEN_REUSED,
            object_type="user",
            object_id=str(user.pk),
        )
    return token


class TokenThrottle(SimpleRateThrottle):
    """Scope "token": counts attempts per client address and username (case-folded, hashed)."""

    scope = "token"

    def get_cache_key(self, request, view):
        data = request.data
        username = data.get("username", "") if isinstance(data, Mapping) else ""
        ident = f"{self.get_ident(request)}\n{str(username).strip().casefold()}"
        digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class TokenObtainApi(APIView):
    # No authentication: a stale token header must not stop a client from getting a new one.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    class TokenInputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(
            max_length=4096, trim_whitespace=False, style={"input_type": "password"}
        )
        otp_token = serializers.CharField(
            max_length=8, required=False, default="", allow_blank=True,
            help_text=_("Mã TOTP 6 chữ số, khi vai trò cần xác thực hai lớp."),
        )  # fmt: skip

    class TokenOutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        auth=[],
        request=TokenInputSerializer,
        responses={200: TokenOutputSerializer},
        summary=_("Lấy token API"),
        description=_(
            "Đổi tên đăng nhập và mật khẩu lấy token; gửi token trong tiêu đề "
            "`Authorization: Token <token>`. Giới hạn số lần thử theo địa chỉ IP và tên đăng nhập."
        ),
    )
    def post(self, request):
        serializer = self.TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = auth_token_issue(
            request=request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
            otp_token=serializer.validated_data["otp_token"],
        )
        return Response(self.TokenOutputSerializer({"token": token.key}).data)
