"""The exporters' common ground: the frozen header and lines a batch hands over, and the base classes.

An exporter never touches the database: the caller (payments services) builds one `ExportHeader`
and an iterator of `ExportLine` (from `.iterator()` over the frozen batch lines) and streams
`Exporter(header, lines).stream()` into a `StreamingHttpResponse`, hashing the bytes on the way.
Each exporter reads `lines` once and holds one line at a time, so memory stays flat. As in pretix
(`pretix/base/exporter.py`), a list exporter only says which columns and rows it has; the CSV and
XLSX bases write them, so a bank's own bulk template is a subclass of a few lines (`banktemplates`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

CHANNELS = ("bank", "ewallet", "cash")
CASHLESS = frozenset({"bank", "ewallet"})
END_TO_END_ID_MAX = 35


class ExportError(ValueError):
    """The lines cannot be written in this format (e.g. totals that do not match the header)."""


@dataclass(frozen=True, slots=True)
class ExportHeader:
    batch_id: int
    msg_id: str
    created_at: datetime  # aware; fixed at the first export so a re-export gives the same bytes
    period: str  # "YYYY-MM"
    commune_label: str
    programme_label: str
    debtor_name: str
    debtor_account: str
    debtor_bic: str
    audit_chain_head: str
    # Filled by the caller from an aggregate query over the CASHLESS lines (pain.001 writes the
    # group header, with NbOfTxs and CtrlSum, before the first transaction). None: the pain.001
    # exporter keeps the cashless lines in memory to count them first (fine for tests, not for
    # 600,000 lines). When given, they are checked against the lines as they stream by.
    line_count: int | None = None
    control_sum: Decimal | None = None
    execution_date: date | None = None  # pain.001 ReqdExctnDt; created_at's date when None

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError("ExportHeader.created_at must be aware")
        year, _, month = self.period.partition("-")
        if not (len(year) == 4 and len(month) == 2 and year.isdigit() and month.isdigit()):
            raise ValueError("ExportHeader.period must be YYYY-MM")
        if not 1 <= len(self.msg_id) <= END_TO_END_ID_MAX:
            raise ValueError("ExportHeader.msg_id must be 1 to 35 characters")

    @property
    def period_label(self) -> str:
        """ "05/2026" for "2026-05", as a commune writes a month."""
        year, month = self.period.split("-")
        return f"{month}/{year}"


@dataclass(frozen=True, slots=True)
class ExportLine:
    end_to_end_id: str
    ss_code: str
    full_name: str
    commune_code: str
    programme: str
    category: str
    amount: Decimal
    arrears: Decimal
    channel: str  # "bank" | "ewallet" | "cash"
    bank_bin: str
    bank_bic: str
    account_number: str
    account_name: str
    one_off: Decimal = Decimal(0)  # a one-off (funeral allowance) the line pays
    deduction: Decimal = Decimal(0)  # what the case's outstanding recoveries take off

    def __post_init__(self) -> None:
        if not 1 <= len(self.end_to_end_id) <= END_TO_END_ID_MAX:
            raise ValueError("ExportLine.end_to_end_id must be 1 to 35 characters")
        if self.channel not in CHANNELS:
            raise ValueError(f"ExportLine.channel must be one of {CHANNELS}")

    @property
    def total(self) -> Decimal:
        return self.amount + self.arrears + self.one_off - self.deduction

    @property
    def cashless(self) -> bool:
        return self.channel in CASHLESS


def make_end_to_end_id(batch_id: int, line_id: int) -> str:
    """A reference unique per line ("B12-L3456"), well under the 35 characters of EndToEndId."""
    return f"B{batch_id}-L{line_id}"


class Exporter:
    """One file format. Subclasses set the class attributes and write `stream()`."""

    key: ClassVar[str] = ""
    content_type: ClassVar[str] = "application/octet-stream"
    extension: ClassVar[str] = ""
    # Which lines go into the file: None for all of them.
    channels: ClassVar[frozenset[str] | None] = None
    chunk_size: ClassVar[int] = 64 * 1024

    def __init__(self, header: ExportHeader, lines: Iterable[ExportLine]) -> None:
        self.header = header
        self.lines = lines

    @property
    def filename(self) -> str:
        return f"chi-tra-{self.header.period}-{self.header.batch_id}-{self.key}.{self.extension}"

    def selected(self) -> Iterator[ExportLine]:
        """The lines this format holds, in the order given."""
        if self.channels is None:
            yield from self.lines
            return
        for line in self.lines:
            if line.channel in self.channels:
                yield line

    def stream(self) -> Iterator[bytes]:
        raise NotImplementedError


@dataclass(slots=True)
class Totals:
    """Running totals of what an exporter wrote (one pass, no second query)."""

    count: int = 0
    amount: Decimal = Decimal(0)
    arrears: Decimal = Decimal(0)
    one_off: Decimal = Decimal(0)
    deduction: Decimal = Decimal(0)

    def add(self, line: ExportLine) -> None:
        self.count += 1
        self.amount += line.amount
        self.arrears += line.arrears
        self.one_off += line.one_off
        self.deduction += line.deduction

    @property
    def total(self) -> Decimal:
        return self.amount + self.arrears + self.one_off - self.deduction


# Filled in by payments/exports/__init__.py once every exporter module is imported.
EXPORTERS: dict[str, type[Exporter]] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    if not cls.key or cls.key in EXPORTERS:
        raise ValueError(f"exporter key missing or taken: {cls.key!r}")
    EXPORTERS[cls.key] = cls
    return cls
