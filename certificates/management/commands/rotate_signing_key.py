"""Rotate the certificate signing key: a new key signs, the old public key stays published."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certificates import keys, signing
from certificates.models import SigningKey
from registry.exceptions import Conflict


class Command(BaseCommand):
    help = (
        "Xoay vòng khóa ký giấy chứng nhận (Ed25519). Môi trường phát triển: tạo khóa mới trong "
        "var/ và dùng ngay. Môi trường chạy thật: --print-new in một khóa mới để đặt vào "
        "REGISTRY_CERTIFICATE_SIGNING_KEY rồi khởi động lại; khóa cũ vẫn được công bố cho đến "
        "khi mọi giấy nó đã ký hết hạn. --status: liệt kê các khóa."
    )

    def add_arguments(self, parser):
        parser.add_argument("--print-new", action="store_true", help="chỉ in một khóa mới")
        parser.add_argument("--status", action="store_true", help="liệt kê khóa và trạng thái")

    def handle(self, *args, print_new, status, **options):
        if print_new:
            # The key goes to stdout only, as the last line, so `| tail -n1` captures it.
            self.stdout.write(
                "Khóa ký mới (32 byte ngẫu nhiên, base64). Đặt vào "
                "REGISTRY_CERTIFICATE_SIGNING_KEY trên mọi máy chủ rồi khởi động lại; khóa cũ "
                "không cần giữ (khóa công khai của nó đã lưu trong cơ sở dữ liệu)."
            )
            self.stdout.write(signing.generate_seed())
            return
        if status:
            self._status()
            return
        try:
            previous, current = keys.signing_key_rotate()
        except Conflict:
            raise CommandError(
                "Khóa ký lấy từ biến môi trường REGISTRY_CERTIFICATE_SIGNING_KEY: dùng "
                "--print-new, đặt khóa mới vào biến đó và khởi động lại."
            ) from None
        self.stdout.write(f"Khóa ký mới: {current} (khóa trước: {previous or '-'}).")

    def _status(self) -> None:
        published = {key.kid for key in keys.published_keys()}
        for key in keys.published_keys() + [
            k for k in SigningKey.objects.all() if k.kid not in published
        ]:
            state = (
                "đang ký"
                if key.retired_at is None
                else f"ngừng ký {timezone.localtime(key.retired_at):%d/%m/%Y}"
            )
            shown = "công bố" if key.kid in published else "không còn công bố"
            self.stdout.write(f"{key.kid}: {state}, {shown}")
