import argparse

from django.core.management.base import BaseCommand, CommandError

from registry import crypto, key_rotation


class Command(BaseCommand):
    help = (
        "Mã hoá lại mọi giá trị chưa dùng khoá hiện hành (khoá đầu tiên trong "
        "REGISTRY_ENCRYPTION_KEYS), theo từng lô; có thể dừng giữa chừng và chạy lại. "
        "Với --blind-index: tính lại các chỉ mục mù bằng khoá gốc đầu tiên trong "
        "REGISTRY_BLIND_INDEX_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--blind-index",
            action="store_true",
            help="tính lại chỉ mục mù thay vì mã hoá lại dữ liệu",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=key_rotation.DEFAULT_BATCH_SIZE,
            help="số dòng mỗi lô, mỗi lô một giao dịch (mặc định %(default)s)",
        )
        parser.add_argument(
            "--status",
            action="store_true",
            help="chỉ đếm số giá trị theo từng khoá, không thay đổi gì",
        )
        # Test hook: seconds to hold each batch's transaction open (see tests/registry).
        parser.add_argument("--sleep-per-batch", type=float, default=0.0, help=argparse.SUPPRESS)

    def handle(self, *args, blind_index, batch_size, status, sleep_per_batch, **options):
        if batch_size < 1:
            raise CommandError("--batch-size phải lớn hơn 0.")
        if status:
            self._print_status()
            return

        def progress(label: str, done: int, total: int) -> None:
            self.stdout.write(f"{label}: {done}/{total}")
            self.stdout.flush()

        try:
            report = key_rotation.keys_rotate(
                blind_index=blind_index,
                batch_size=batch_size,
                progress=progress,
                pause_per_batch=sleep_per_batch,
            )
        except (key_rotation.RotationError, crypto.DecryptionError) as exc:
            raise CommandError(
                f"{exc}. Hãy cấu hình khoá đã mã hoá giá trị này rồi chạy lại; "
                "các lô đã xong được giữ nguyên."
            ) from None
        what = "chỉ mục mù" if blind_index else "giá trị"
        self.stdout.write(
            f"Xong: {report.total_values} {what} đã chuyển sang khoá {report.key_id} "
            f"({sum(report.rows.values())} dòng)."
        )
        if report.changed_concurrently:
            self.stdout.write(
                f"{report.changed_concurrently} giá trị bị sửa đồng thời trong lúc chạy; "
                "hãy chạy lại lệnh để kiểm tra."
            )

    def _print_status(self) -> None:
        ring = crypto.keyring()
        self.stdout.write(
            f"Khoá mã hoá hiện hành: {ring.current_key_id}; "
            f"khoá chỉ mục mù hiện hành: {ring.blind_index_key_ids[0]}"
        )
        for column, counts in key_rotation.stored_key_ids().items():
            shown = ", ".join(f"{key_id}={n}" for key_id, n in sorted(counts.items())) or "-"
            self.stdout.write(f"{column}: {shown}")
