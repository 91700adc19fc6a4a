"""Bank and list files of a payment batch: pure code over plain dataclasses, no database.

    from payments.exports import EXPORTERS, ExportHeader, ExportLine
    exporter = EXPORTERS["pain001"](header, lines)      # xlsx | csv | pain001 | cash_xlsx | vcb_bulk
    response = StreamingHttpResponse(exporter.stream(), content_type=exporter.content_type)

`vcb_bulk` is the example of a bank's own bulk template (see banktemplates.py).
"""

from payments.exports import banktemplates, lists, pain001  # noqa: F401  (register the exporters)
from payments.exports.base import (
    EXPORTERS,
    Exporter,
    ExportError,
    ExportHeader,
    ExportLine,
    make_end_to_end_id,
)
from payments.exports.pain001 import validate_pain001

__all__ = [
    "EXPORTERS",
    "ExportError",
    "ExportHeader",
    "ExportLine",
    "Exporter",
    "make_end_to_end_id",
    "validate_pain001",
]
