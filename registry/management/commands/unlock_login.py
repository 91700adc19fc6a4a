"""Lift a lock-out: axes keeps keyed hashes of usernames and addresses, so its own `axes_reset_*`
commands, given a plain username, find nothing; this one hashes what it is given first."""

from axes.utils import reset
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.audit import AuditAction, audit_record
from registry.security import axes_address_key, axes_username_key


class Command(BaseCommand):
    help = gettext_lazy(
        "Mở khóa đăng nhập bị khóa do sai nhiều lần: theo tên đăng nhập và/hoặc theo địa chỉ IP "
        "(--address)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="")
        parser.add_argument("--address", default="", help=_("địa chỉ IP bị khóa"))

    def handle(self, *args, username: str, address: str, **options):
        if not username and not address:
            raise CommandError(_("Cho biết tên đăng nhập hoặc --address."))
        with transaction.atomic():
            removed = 0
            if username:
                removed += reset(username=axes_username_key(username))
            if address:
                removed += reset(ip=axes_address_key(address))
            user = get_user_model().objects.filter(username=username).first() if username else None
            audit_record(
                actor=None,
                action=AuditAction.LOGIN_UNLOCKED,
                object_type="user",
                object_id=str(user.pk) if user is not None else "",
                data={"by_username": bool(username), "by_address": bool(address)},
            )
        self.stdout.write(_("Đã mở khóa: xoá %(count)s lần thử sai.") % {"count": removed})
