"""Bulk import of households and persons from the .xlsx/.csv template: every row is validated, then
everything is saved in one transaction or nothing is."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.imports.checks import (
    check_communes,
    check_duplicates_in_file,
    check_registered_ids,
    group_households,
)
from beneficiaries.imports.columns import (
    COLUMNS,
    DEFAULT_MAX_ROWS,
    IMPORT_PERMISSION,
    TEMPLATE_FILENAME,
    XLSX_CONTENT_TYPE,
)
from beneficiaries.imports.errors import Errors, ImportInvalid, UnsupportedFile, UploadTooLarge
from beneficiaries.imports.reading import file_kind, parse_sheet, read_upload
from beneficiaries.imports.rows import validate_row
from beneficiaries.imports.saving import ImportResult, save
from beneficiaries.imports.template import persons_import_template, template_rows
from beneficiaries.services import national_id_buckets_lock
from registry.models import User

# progress(done, total, message): how far an import is, for a job's progress bar.
Progress = Callable[[int, int, str], None]
PROGRESS_EVERY_ROWS = 2_000


def _no_progress(done: int, total: int, message: str) -> None:
    pass


def persons_import(
    *,
    actor: User,
    file,
    dry_run: bool = False,
    progress: Progress | None = None,
    before_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Validate every row of an uploaded template file; save all of it in one transaction, or
    raise ImportInvalid naming each bad row and column and save nothing.

    The caller has checked the actor's role (the API's permission class); the communes of every
    row are checked here against the actor's.

    `before_commit(result)` runs inside the saving transaction once the rows are written: a
    background job ends itself there (imports/job.py), so the import and the job's end commit
    together and a retry can never import the file a second time.

    Stages: reading the file (`reading`), checking each row (`rows`), checking the file as a
    whole and against the database (`checks`), saving (`saving`).
    """
    progress = progress or _no_progress
    data = read_upload(file, limit=settings.REGISTRY_MAX_UPLOAD_BYTES)
    kind = file_kind(getattr(file, "name", ""), data)
    errors = Errors()
    sheet_rows = parse_sheet(
        kind, data, errors, getattr(settings, "REGISTRY_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    )
    total = len(sheet_rows)
    progress(0, total, str(_("Đang kiểm tra từng dòng")))
    id_required_from = settings.REGISTRY_IMPORT_NATIONAL_ID_REQUIRED_FROM_AGE
    today = timezone.localdate()
    rows = []
    for index, sheet_row in enumerate(sheet_rows, start=1):
        rows.append(validate_row(sheet_row, errors, today, id_required_from))
        if index % PROGRESS_EVERY_ROWS == 0:
            progress(index, total, str(_("Đang kiểm tra từng dòng")))
    progress(total, total, str(_("Đang đối chiếu với sổ đăng ký")))
    check_communes(rows, actor, errors)
    plan = group_households(rows, actor, errors)
    check_duplicates_in_file(rows, errors)
    if errors or dry_run:
        # Every problem of a wrong file is named at once; a file otherwise valid has its numbers
        # checked once, under their buckets' locks below.
        check_registered_ids(rows, errors)
    errors.raise_if_any()

    if dry_run:
        return ImportResult(
            created=len(rows), households_created=len(plan.new_households), dry_run=True
        )
    progress(total, total, str(_("Đang lưu")))
    with transaction.atomic(durable=True):
        # Lock the numbers' buckets (as person_register does), so no other clerk can register
        # one of them until this commits, then check none is registered already.
        national_id_buckets_lock([row.national_id for row in rows if row.national_id])
        registered = Errors()
        check_registered_ids(rows, registered)
        registered.raise_if_any()
        result = save(plan, actor=actor)
        if before_commit is not None:
            before_commit(result)
        return result


__all__ = [
    "COLUMNS",
    "IMPORT_PERMISSION",
    "TEMPLATE_FILENAME",
    "XLSX_CONTENT_TYPE",
    "ImportInvalid",
    "ImportResult",
    "Progress",
    "UnsupportedFile",
    "UploadTooLarge",
    "persons_import",
    "persons_import_template",
    "template_rows",
]
