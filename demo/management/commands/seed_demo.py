"""`python manage.py seed_demo`: demo users and demo data for `make demo` (see demo/seed.py)."""

import time

from django.core.management.base import BaseCommand

from demo.seed import HOUSEHOLDS, demo_seed


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu (hộ, nhân khẩu, hồ sơ, rà soát nghèo) ở 5 xã của tỉnh Quảng Trị và một "
        "người dùng mẫu cho mỗi vai trò. Chạy lại không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=HOUSEHOLDS)
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, households, url, **options):
        started = time.monotonic()
        result = demo_seed(households=households)
        elapsed = time.monotonic() - started
        counts = (
            f"{result.households} hộ, {result.persons} nhân khẩu, {result.cases} hồ sơ hưởng, "
            f"{result.assessments} phiếu rà soát nghèo"
        )
        if result.seeded:
            self.stdout.write(f"Đã tạo dữ liệu mẫu: {counts} ({elapsed:.1f} s).")
        else:
            self.stdout.write(f"Dữ liệu mẫu đã có sẵn, không tạo thêm: {counts}.")

        rows = [("Tên đăng nhập", "Vai trò", "Mật khẩu", "Xã")] + [
            (
                user.username,
                user.role,
                user.password,
                " ".join(user.communes) or "(tất cả, chỉ đọc)",
            )
            for user in result.users
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        rule = "+-" + "-+-".join("-" * w for w in widths) + "-+"
        self.stdout.write("")
        self.stdout.write(rule)
        for index, row in enumerate(rows):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("| " + " | ".join(cells) + " |")
            if index == 0:
                self.stdout.write(rule)
        self.stdout.write(rule)
        self.stdout.write(
            f"Mật khẩu mẫu (chỉ để thử, sinh một lần) được lưu trong {result.password_file}."
        )
        self.stdout.write(f"Mở {url} — đăng nhập tại {url.rstrip('/')}/accounts/login/")
