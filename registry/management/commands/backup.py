"""Write an encrypted, integrity-checked archive of the database (data and audit chain)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.audit import AuditAction, audit_record
from registry.backup import BackupError, backup_key, backup_write, file_sha256


class Command(BaseCommand):
    help = gettext_lazy(
        "Sao lưu toàn bộ dữ liệu và chuỗi nhật ký kiểm toán vào một tệp mã hóa "
        "(khóa REGISTRY_BACKUP_KEY, không nằm trong tệp)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        try:
            backup_key()
            with transaction.atomic():
                # Inside the archive: the restored chain shows the backup it came from.
                audit_record(
                    actor=None,
                    action=AuditAction.BACKUP_STARTED,
                    object_type="backup",
                    data={"file": archive.name},
                )
            manifest = backup_write(archive, progress=self.stdout.write)
            # Only once the archive is whole under its name: a killed run leaves no "written".
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action=AuditAction.BACKUP_WRITTEN,
                    object_type="backup",
                    data={
                        "file": archive.name,
                        "sha256": file_sha256(archive),
                        "chain_head": "{sequence}:{hash}".format(**manifest["chain_head"]),
                    },
                )
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        head = manifest["chain_head"]
        self.stdout.write(
            _("Đã sao lưu vào %(file)s; đầu chuỗi kiểm toán %(sequence)s:%(hash)s")
            % {"file": archive, **head}
        )
