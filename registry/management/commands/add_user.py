import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.audit import AuditAction, audit_record
from registry.models import Commune
from registry.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật người dùng với một vai trò và các xã được giao."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"một trong: {', '.join(ROLES)}")
        parser.add_argument("--commune", action="append", default=[], metavar="CODE")
        parser.add_argument("--password")

    def handle(self, *args, username, role, commune, password, **options):
        if role not in ROLES:
            raise CommandError(
                f"Vai trò không hợp lệ: {role!r}. Chọn một trong: {', '.join(ROLES)}."
            )
        codes = list(dict.fromkeys(commune))
        found = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise CommandError(f"Mã xã không tồn tại: {', '.join(unknown)}.")
        password = password or os.environ.get("REGISTRY_NEW_USER_PASSWORD")
        if not password:
            password = getpass.getpass("Mật khẩu: ")
        if not password:
            raise CommandError("Cần có mật khẩu.")
        sync_roles()
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(username=username)
            user.set_password(password)
            user.is_staff = False
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            user.communes.set(codes)
            audit_record(
                actor=None,
                action=AuditAction.USER_CREATED if created else AuditAction.USER_UPDATED,
                obj=user,
                data={"role": role, "communes": codes, "via": "add_user"},
            )
        verb = "Đã tạo" if created else "Đã cập nhật"
        where = ", ".join(codes) if codes else "không có xã nào"
        self.stdout.write(f"{verb} người dùng {username} (vai trò {role}; xã: {where}).")
