"""Writing a batch's lines in bulk: plain parameter rows (COPY on PostgreSQL, `executemany`
elsewhere), not model
instances, because building and preparing 600,000 models costs many times the INSERT itself.

Values go through the model fields' own preparation where it matters (the encrypted account
columns, dates, decimals), so what is stored is exactly what the ORM would store. The period's
paid months are then written by one INSERT … SELECT over the lines just written; the few
arrear months by the ORM.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from payments.models import LineStatus, PaidMonth, PaymentBatch, PaymentLine
from payments.services.deductions import deductions_write
from payments.services.generation import CHUNK, NewLine
from registry.bulk_rows import rows_insert
from registry.crypto import encrypt

# Per line; the batch, period and initial state are the same on every line of a batch, so they
# are written once as literals of the statement instead of being bound 600,000 times.
_COLUMNS = (
    "case_id", "person_id", "commune_id", "programme", "category", "amount", "arrears",
    "channel", "bank_bin", "account_number", "account_name", "end_to_end_id", "one_off",
    "one_off_entitlement_id", "deduction",
)  # fmt: skip
_CONSTANT_COLUMNS = ("batch_id", "period", "claimed", "status", "failure_reason", "reversed")


class LineWriter:
    def __init__(self, batch: PaymentBatch) -> None:
        self.batch = batch
        self.rows: list[tuple] = []
        self.arrears: list[tuple[int, list]] = []  # (case id, earlier months)
        self.deductions: list[tuple[int, list]] = []  # (case id, [(recovery id, part)])
        self.number_context = PaymentLine._meta.get_field("account_number").context
        self.name_context = PaymentLine._meta.get_field("account_name").context
        self.constant_values = (batch.pk, batch.period, True, LineStatus.PENDING.value, "", False)
        quote = connection.ops.quote_name
        true, false = ("TRUE", "FALSE") if connection.vendor == "postgresql" else ("1", "0")
        constants = (
            str(int(batch.pk)), f"'{batch.period:%Y-%m-%d}'", true,
            f"'{LineStatus.PENDING.value}'", "''", false,
        )  # fmt: skip
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(PaymentLine._meta.db_table),
            ", ".join(quote(column) for column in (*_CONSTANT_COLUMNS, *_COLUMNS)),
            ", ".join((*constants, *["%s"] * len(_COLUMNS))),
        )

    def __enter__(self) -> LineWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.flush()
            self._paid_months()
            self._deductions()

    def add(self, line: NewLine) -> None:
        # crypto.encrypt is what EncryptedTextField.get_prep_value does with a str, minus the
        # field's generic preparation (measurable over 600,000 lines).
        number, name = line.account_number, line.account_name
        self.rows.append((
            line.case_id, line.person_id, line.commune_id, line.programme, line.category,
            _money(line.amount), _money(line.arrears), line.channel, line.bank_bin,
            None if number is None else encrypt(str(number), context=self.number_context),
            None if name is None else encrypt(str(name), context=self.name_context),
            line.end_to_end_id, _money(line.one_off), line.one_off_entitlement_id,
            _money(line.deduction),
        ))  # fmt: skip
        if line.deductions:
            self.deductions.append((line.case_id, line.deductions))
        if len(line.months) > (1 if line.amount > 0 else 0):
            self.arrears.append((line.case_id, line.months))
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            # COPY: a fraction of the server's time per row of INSERTs (registry/bulk_rows.py).
            constants = self.constant_values
            rows_insert(
                PaymentLine._meta.db_table,
                (*_CONSTANT_COLUMNS, *_COLUMNS),
                ((*constants, *row) for row in self.rows),
            )
        else:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
        self.rows.clear()

    def _paid_months(self) -> None:
        table = connection.ops.quote_name(PaidMonth._meta.db_table)
        lines = connection.ops.quote_name(PaymentLine._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (line_id, case_id, month, amount, active) "  # noqa: S608
                f"SELECT id, case_id, period, amount, %s FROM {lines} "
                "WHERE batch_id = %s AND amount > 0",
                [True, self.batch.pk],
            )
        if not self.arrears:
            return
        line_of = self._line_of([case_id for case_id, _months in self.arrears])
        PaidMonth.objects.bulk_create(
            [
                PaidMonth(
                    line_id=line_of[case_id],
                    case_id=case_id,
                    month=month,
                    amount=amount,
                    top_up=top_up,
                )  # fmt: skip
                for case_id, months in self.arrears
                for month, amount, top_up in months
                if month != self.batch.period
            ],
            batch_size=CHUNK,
        )

    def _line_of(self, case_ids: list[int]) -> dict[int, int]:
        """Case id → its line in this batch, for the few cases with arrears or deductions."""
        found: dict[int, int] = {}
        for start in range(0, len(case_ids), 900):
            found.update(
                PaymentLine.objects.filter(
                    batch=self.batch, case_id__in=case_ids[start : start + 900]
                ).values_list("case_id", "id")
            )
        return found

    def _deductions(self) -> None:
        if self.deductions:
            line_of = self._line_of([case_id for case_id, _parts in self.deductions])
            deductions_write(line_of, self.deductions)


_ONE = Decimal(1)


def _money(value: Decimal) -> int:
    # Whole đồng, bound as an integer (the column is numeric(14, 0)): no Decimal adapter per value.
    # Most arrears, one-offs and deductions are 0: no quantize for those.
    return int(value.quantize(_ONE)) if value else 0
