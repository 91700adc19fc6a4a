"""Streaming a batch's file through the exporters of `payments.exports`, hashing what is sent.

The exporter reads rows lazily (`selectors.export_lines`), so memory stays flat; the SHA-256 of
the bytes is recorded on the batch once the last chunk has been produced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from payments import selectors, services
from payments.exports import EXPORTERS
from payments.models import PaymentBatch
from registry.exceptions import ValidationFailed


@dataclass(frozen=True)
class ExportFile:
    content_type: str
    filename: str
    chunks: Iterator[bytes]


def _format_checked(file_format: str) -> None:
    if file_format not in EXPORTERS:
        known = ", ".join(sorted(EXPORTERS))
        message = _("Định dạng tệp phải là một trong: %(formats)s.") % {"formats": known}
        raise ValidationFailed(message, code="invalid_format", fields={"format": [message]})


def _hashed(batch_id: int, file_format: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
        yield chunk
    services.payment_batch_export_digest_record(
        batch_id=batch_id, file_format=file_format, sha256=digest.hexdigest()
    )


def batch_file(*, actor, batch_id: int, file_format: str) -> ExportFile:
    """Mark the batch exported (first time) and return its file as a stream of bytes.

    The format is checked first and the batch found (404) before anything changes."""
    _format_checked(file_format)
    selectors.payment_batch_get(user=actor, batch_id=batch_id)
    cls = EXPORTERS[file_format]
    batch: PaymentBatch = services.payment_batch_export(
        actor=actor, batch_id=batch_id, file_format=file_format
    )
    exporter = cls(selectors.export_header(batch), selectors.export_lines(batch))
    extension = cls.extension.lstrip(".")
    return ExportFile(
        content_type=cls.content_type,
        filename=f"chi-tra-{batch.period:%Y-%m}-dot-{batch.pk}-{file_format}.{extension}",
        chunks=_hashed(batch.pk, file_format, iter(exporter.stream())),
    )
