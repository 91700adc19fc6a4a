import base64
import os

from django.core.management.base import BaseCommand, CommandError

from registry import crypto


class Command(BaseCommand):
    help = "In ra một khoá mới cho REGISTRY_ENCRYPTION_KEYS (hoặc REGISTRY_BLIND_INDEX_KEY)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--blind-index",
            action="store_true",
            help="in khoá gốc cho chỉ mục mù (base64, không có mã khoá)",
        )
        parser.add_argument("--key-id", help="mã khoá (1–16 ký tự chữ, số, '_' hoặc '-')")

    def handle(self, *args, blind_index, key_id, **options):
        # The key goes to stdout only, as the last line, so `| tail -n1` captures it.
        if blind_index:
            if key_id:
                raise CommandError("--key-id chỉ dùng cho khoá mã hoá.")
            self.stdout.write(
                "Khoá gốc mới cho chỉ mục mù (32 byte ngẫu nhiên, base64). Đặt nó ĐẦU danh sách "
                "REGISTRY_BLIND_INDEX_KEY (cách nhau bằng dấu phẩy), giữ khoá cũ phía sau cho tới "
                "khi `manage.py rotate_keys --blind-index` chạy xong. Xem docs/encryption.md."
            )
            self.stdout.write(base64.b64encode(os.urandom(crypto.KEY_BYTES)).decode())
            return
        try:
            entry = crypto.generate_key_entry(key_id)
        except ValueError:
            raise CommandError("Mã khoá phải gồm 1–16 ký tự chữ, số, '_' hoặc '-'.") from None
        self.stdout.write(
            "Khoá mã hoá mới (AES-256-GCM, 32 byte ngẫu nhiên) dạng mã_khoá:base64. Đặt nó ĐẦU "
            "danh sách REGISTRY_ENCRYPTION_KEYS (cách nhau bằng dấu phẩy), giữ các khoá cũ phía "
            "sau cho tới khi `manage.py rotate_keys` chạy xong. Sao lưu khoá ở nơi tách biệt với "
            "bản sao lưu cơ sở dữ liệu: mất khoá là mất dữ liệu. Xem docs/encryption.md."
        )
        self.stdout.write(entry)
