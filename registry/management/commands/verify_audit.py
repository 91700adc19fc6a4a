"""Walk the audit trail's hash chain; exit non-zero naming the first event that does not hold."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.audit_chain import CHUNK, verify_chain


class Command(BaseCommand):
    help = gettext_lazy(
        "Kiểm tra chuỗi băm của nhật ký kiểm toán; báo sự kiện đầu tiên bị sửa, xóa, chèn hoặc "
        "đổi thứ tự (mã thoát khác 0), hoặc in đầu chuỗi khi chuỗi nguyên vẹn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=CHUNK, help=_("số sự kiện mỗi lần đọc"))

    def handle(self, *args, chunk: int, **options):
        if chunk < 1:
            raise CommandError(_("--chunk phải lớn hơn 0."))

        def progress(count: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(_("đã kiểm tra %(count)s sự kiện") % {"count": count})

        report = verify_chain(chunk=chunk, progress=progress)
        if report.broken is not None:
            raise CommandError(
                _("Chuỗi nhật ký kiểm toán bị phá vỡ sau %(count)s sự kiện hợp lệ — %(broken)s")
                % {"count": report.events, "broken": report.broken}
            )
        self.stdout.write(
            _("Chuỗi nhật ký kiểm toán nguyên vẹn: %(count)s sự kiện; đầu chuỗi %(head)s")
            % {"count": report.events, "head": report.head}
        )
