"""Writing many prepared rows into one table: the bulk path of imports and of the audit chain.

The rows hold database values already (what each field's `get_db_prep_save` gives). PostgreSQL
takes them with COPY, which spends far less of the server's time per row than INSERTs; other
backends with one prepared INSERT run by `executemany`. Either way inside the caller's
transaction: the rows commit or roll back with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

ROWS_PER_EXECUTE = 5_000


def rows_insert(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[Sequence] = []
        for row in rows:
            batch.append(row)
            if len(batch) == ROWS_PER_EXECUTE:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
