"""The login page: username and password, plus a TOTP code for the roles that need one."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login

from registry.security import otp_device_for, otp_required


class RegistryLoginForm(AuthenticationForm):
    otp_token = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"), required=False, max_length=8, strip=True
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "otp_required": _("Vai trò của bạn cần mã xác thực hai lớp; mã không đúng hoặc thiếu."),
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        self.otp_device = None
        self.otp_failed = False
        if user is not None and otp_required(user):
            self.otp_device = otp_device_for(user, cleaned.get("otp_token"))
            if self.otp_device is None:
                # A wrong second factor counts as a failed login (audit trail, lock-out).
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": user.get_username()},
                    request=self.request,
                )
                self.otp_failed = True
                raise forms.ValidationError(self.error_messages["otp_required"], "otp_required")
        return cleaned


class RegistryLoginView(auth_views.LoginView):
    form_class = RegistryLoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)
        return response
