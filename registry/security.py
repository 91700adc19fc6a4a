"""Access hardening: the second factor for the roles that need it, the lock-out answer, and the
audit events of logins, failed logins and logouts.

The settings (registry/settings/base.py, "audit" block) wire these in: axes counts failed logins
and locks a username or an address out; django-otp verifies TOTP codes; `OTPRequiredMiddleware`
ends a browser session of a role that needs a second factor but logged in without one (e.g.
through a login form that does not ask for it).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import match_token

from registry import crypto
from registry.api.errors import API_PATH_PREFIX, envelope

LOCKED_OUT = "locked_out"


def otp_required(user) -> bool:
    """True when one of the user's roles is in REGISTRY_OTP_REQUIRED_ROLES."""
    roles = set(settings.REGISTRY_OTP_REQUIRED_ROLES)
    if not roles or not getattr(user, "is_authenticated", False):
        return False
    return user.groups.filter(name__in=roles).exists()


def otp_device_for(user, token: str | None):
    """The user's confirmed TOTP device that accepts `token`, or None."""
    token = (token or "").strip()
    if not token.isdigit():
        return None
    return match_token(user, token)


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """axes' answer once a username or address is locked out: 429, the envelope under /api/."""
    message = _("Đăng nhập sai quá nhiều lần; tài khoản hoặc địa chỉ này tạm bị khóa.")
    if request.path.startswith(API_PATH_PREFIX):
        return JsonResponse(envelope(LOCKED_OUT, message), status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


# --- lock-out records keep keyed hashes, never a username or an address ----------------------
# (AXES_USERNAME_CALLABLE / AXES_CLIENT_IP_CALLABLE). The same input always gives the same
# hash, so axes still counts failures per username and per address.


def axes_username_key(username: str) -> str:
    """What axes stores for `username`: "h:" and 128 bits of its keyed hash (hex)."""
    return "h:" + crypto.pseudonym(username, purpose="axes-username")[:16].hex()


def axes_address_key(address: str) -> str:
    """What axes stores for a client address: its keyed hash written as an IPv6 address in the
    unique-local range fd00::/8 (axes' column is an IP address field, `inet` on PostgreSQL)."""
    digest = crypto.pseudonym(address.strip().lower(), purpose="axes-address")
    return str(ipaddress.IPv6Address(b"\xfd" + digest[:15]))


def axes_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the keyed hash of the username being tried, or None."""
    if credentials:
        username = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        username = data.get("username") if hasattr(data, "get") else None
    return axes_username_key(str(username)) if username else None


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind REGISTRY_NUM_PROXIES reverse proxies the
    address the outermost of them saw (as DRF's throttles take it)."""
    meta = getattr(request, "META", {})
    proxies = int(getattr(settings, "REST_FRAMEWORK", {}).get("NUM_PROXIES") or 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return meta.get("REMOTE_ADDR") or None


def axes_client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the keyed hash of the client's address, as an IPv6 address."""
    address = client_address(request)
    return axes_address_key(address) if address else None


class OTPRequiredMiddleware:
    """A browser session of a role that needs a second factor must have passed it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and otp_required(user)
        ):
            logout(request)
            if request.path.startswith(API_PATH_PREFIX):
                message = _("Cần đăng nhập lại với mã xác thực hai lớp.")
                return JsonResponse(envelope("otp_required", message), status=401)
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)


# --- audit events of logins ----------------------------------------------------------------


def _channel(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith(API_PATH_PREFIX):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


def _record(action, user, request, **data) -> None:
    from registry.audit import audit_record

    with transaction.atomic():
        audit_record(
            actor=user,
            action=action,
            object_type="user",
            object_id=str(user.pk) if user is not None else "",
            data={"channel": _channel(request), **data},
        )


@receiver(user_logged_in, dispatch_uid="registry.audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    from registry.audit import AuditAction

    _record(AuditAction.LOGIN_SUCCEEDED, user, request, second_factor=otp_required(user))


@receiver(user_logged_out, dispatch_uid="registry.audit_logout")
def audit_logout(sender, request, user, **kwargs) -> None:
    from registry.audit import AuditAction

    if user is not None:
        _record(AuditAction.LOGGED_OUT, user, request)


@receiver(user_login_failed, dispatch_uid="registry.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """Who failed, when the username names an account; never the typed username otherwise
    (it may be a password typed in the wrong box)."""
    from registry.audit import AuditAction

    username = str(credentials.get("username", "") or "")
    user = get_user_model().objects.filter(username=username).first() if username else None
    locked = bool(getattr(request, "axes_locked_out", False))
    _record(AuditAction.LOGIN_FAILED, user, request, known_user=user is not None, locked_out=locked)
