"""Check a certificate offline, with only what the registry publishes: keys and a status list."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certificates import keys
from certificates.verification import VALID, StatusListUnusable, verify_offline

VERDICTS = {
    "valid": "CÒN HIỆU LỰC",
    "revoked": "ĐÃ BỊ THU HỒI",
    "expired": "ĐÃ HẾT HẠN",
    "invalid": "KHÔNG HỢP LỆ",
}


def token_from(text: str) -> str:
    """The token itself, or the verification URL the QR code holds."""
    text = text.strip()
    if "/verify/" in text:
        text = text.rsplit("/verify/", 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].rstrip("/")


def duration(seconds: float) -> str:
    minutes = int(abs(seconds)) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} ngày"] if days else []
    if hours or days:
        parts.append(f"{hours} giờ")
    parts.append(f"{minutes} phút")
    return " ".join(parts)


class Command(BaseCommand):
    help = (
        "Kiểm tra một giấy chứng nhận (mã hoặc địa chỉ trong mã QR) mà không cần mạng: chữ ký "
        "bằng khóa công khai đã công bố, thời hạn, và — với --status-list — việc thu hồi. "
        "Mã thoát: 0 còn hiệu lực, 1 không còn hiệu lực hoặc không hợp lệ, 2 không dùng được "
        "danh sách trạng thái."
    )

    def add_arguments(self, parser):
        parser.add_argument("token", help="mã trong QR, hoặc cả địa chỉ …/verify/<mã>")
        parser.add_argument(
            "--status-list",
            type=Path,
            help="tệp đã tải từ /api/v1/verify/status-list/ (CWT, application/statuslist+cwt)",
        )
        parser.add_argument(
            "--keys",
            type=Path,
            help="tệp JSON đã tải từ /api/v1/verify/keys/ (mặc định: khóa hệ thống này công bố)",
        )

    def handle(self, *args, token, status_list, keys: Path | None = None, **options):
        jwks = self._keys(keys)
        listing = self._read(status_list) if status_list else None
        now = timezone.now()
        try:
            result = verify_offline(token_from(token), jwks=jwks, status_list=listing, now=now)
        except StatusListUnusable as exc:
            self.stderr.write(f"Không dùng được danh sách trạng thái: {exc.reason}.")
            raise SystemExit(2) from None
        self.stdout.write(f"Kết quả: {VERDICTS[result.status]} ({result.status})")
        if result.claims is None:
            self.stdout.write(f"Lý do: {result.reason}")
            raise SystemExit(1)
        claims = result.claims
        local = timezone.localtime
        self.stdout.write(f"Loại giấy: {claims.kind}")
        self.stdout.write(f"Số: {claims.number} (xã {claims.commune_code})")
        self.stdout.write(f"Mã an sinh xã hội: {claims.subject_ss_code}")
        self.stdout.write(f"Ngày cấp: {local(claims.issued_at):%d/%m/%Y %H:%M}")
        self.stdout.write(f"Hết hiệu lực lúc: {local(claims.expires_at):%d/%m/%Y %H:%M}")
        self.stdout.write(f"Khóa ký: {result.kid}")
        if not result.revocation_checked:
            self.stdout.write(
                "CHƯA kiểm tra thu hồi: hãy tải danh sách trạng thái và chạy lại với --status-list."
            )
        else:
            age = (now - result.status_list_issued_at).total_seconds()
            issued = local(result.status_list_issued_at)
            self.stdout.write(
                f"Danh sách trạng thái phát hành lúc {issued:%d/%m/%Y %H:%M}, "
                f"cách đây {duration(age)}."
            )
            expires = result.status_list_expires_at
            if expires is not None and now >= expires:
                self.stdout.write(
                    f"CẢNH BÁO: danh sách đã quá hạn {duration((now - expires).total_seconds())}; "
                    "một giấy bị thu hồi sau thời điểm đó sẽ không hiện ra. Hãy tải danh sách mới."
                )
        if result.status != VALID:
            raise SystemExit(1)

    def _keys(self, path: Path | None) -> dict:
        if path is None:
            return keys.jwks()
        try:
            return json.loads(self._read(path))
        except ValueError:
            raise CommandError(f"{path}: không phải tệp JSON của khóa công khai.") from None

    @staticmethod
    def _read(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được {path}: {exc.strerror}.") from None
