"""Give a user a TOTP device (second factor) and print the otpauth:// address for their app."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.audit import AuditAction, audit_record


class Command(BaseCommand):
    help = gettext_lazy(
        "Tạo thiết bị TOTP cho người dùng (thay thiết bị cũ) và in địa chỉ otpauth:// để quét "
        "vào ứng dụng xác thực."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Không có người dùng %(username)s.") % {"username": username})
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name="totp", confirmed=True)
            audit_record(
                actor=None,
                action=AuditAction.OTP_DEVICE_ENROLLED,
                object_type="user",
                object_id=str(user.pk),
                data={"device_id": device.pk},
            )
        self.stdout.write(device.config_url)
