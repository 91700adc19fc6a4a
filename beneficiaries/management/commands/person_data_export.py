"""Export everything held about one person as JSON or PDF (Law 91/2025), audited with its SHA-256."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.subject_data import person_data_export, person_data_export_pdf
from registry.exceptions import RegistryError


class Command(BaseCommand):
    help = gettext_lazy(
        "Xuất toàn bộ dữ liệu về một người (JSON hoặc PDF) theo yêu cầu của chủ thể dữ liệu; người thực "
        "hiện phải có quyền xem dữ liệu cá nhân không che."
    )

    def add_arguments(self, parser):
        parser.add_argument("person_id", type=int)
        parser.add_argument("--actor", required=True, help=gettext_lazy("tên đăng nhập"))
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--format", choices=["json", "pdf"], default="json")

    def handle(self, *args, person_id: int, actor: str, output: Path, **options):
        export = person_data_export_pdf if options["format"] == "pdf" else person_data_export
        user = get_user_model().objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(_("Không có người dùng %(username)s.") % {"username": actor})
        try:
            payload, digest = export(actor=user, person_id=person_id)
        except RegistryError as error:
            raise CommandError(str(error.message)) from None
        output.write_bytes(payload)
        self.stdout.write(f"{output} sha256={digest}")
