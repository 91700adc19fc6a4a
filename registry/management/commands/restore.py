"""Restore a backup archive exactly, refusing a corrupted or truncated one (nothing changes)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.audit import AuditAction, audit_record
from registry.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = gettext_lazy(
        "Khôi phục cơ sở dữ liệu từ một tệp sao lưu (thay toàn bộ dữ liệu hiện có); từ chối "
        "tệp hỏng, bị cắt hoặc sai khóa."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        try:
            with transaction.atomic():
                manifest = backup_restore(archive, progress=self.stdout.write)
                audit_record(
                    actor=None,
                    action=AuditAction.BACKUP_RESTORED,
                    object_type="backup",
                    data={"file": archive.name, "created_at": manifest["created_at"]},
                )
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Đã khôi phục từ %(file)s (sao lưu lúc %(at)s); chuỗi kiểm toán nguyên vẹn.")
            % {"file": archive, "at": manifest["created_at"]}
        )
