"""Writing a batch's lines in bulk: plain parameter rows through `executemany`, not model
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
from payments.services.generation import CHUNK, NewLine

_COLUMNS = (
    "batch_id", "case_id", "person_id", "commune_id", "period", "claimed", "programme",
    "category", "amount", "arrears", "channel", "bank_bin", "account_number", "account_name",
    "end_to_end_id", "status", "failure_reason", "reversed", "one_off", "one_off_entitlement_id",
)  # fmt: skip


class LineWriter:
    def __init__(self, batch: PaymentBatch) -> None:
        self.batch = batch
        self.rows: list[tuple] = []
        self.arrears: list[tuple[int, list]] = []  # (case id, earlier months)
        self.number_field = PaymentLine._meta.get_field("account_number")
        self.name_field = PaymentLine._meta.get_field("account_name")
        self.period = connection.ops.adapt_datefield_value(batch.period)
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(PaymentLine._meta.db_table),
            ", ".join(quote(column) for column in _COLUMNS),
            ", ".join(["%s"] * len(_COLUMNS)),
        )

    def __enter__(self) -> LineWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.flush()
            self._paid_months()

    def add(self, line: NewLine) -> None:
        self.rows.append((
            self.batch.pk, line.case_id, line.person_id, line.commune_id, self.period, True,
            line.programme, line.category, _money(line.amount), _money(line.arrears),
            line.channel, line.bank_bin, self.number_field.get_prep_value(line.account_number),
            self.name_field.get_prep_value(line.account_name), line.end_to_end_id,
            LineStatus.PENDING.value, "", False, _money(line.one_off), line.one_off_entitlement_id,
        ))  # fmt: skip
        if len(line.months) > (1 if line.amount > 0 else 0):
            self.arrears.append((line.case_id, line.months))
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows:
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
        line_of = dict(
            PaymentLine.objects.filter(batch=self.batch, case__isnull=False).values_list(
                "case_id", "id"
            )
        )
        PaidMonth.objects.bulk_create(
            [
                PaidMonth(line_id=line_of[case_id], case_id=case_id, month=month, amount=amount)
                for case_id, months in self.arrears
                for month, amount in months
                if month != self.batch.period
            ],
            batch_size=CHUNK,
        )


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1))
