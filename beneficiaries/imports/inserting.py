"""Inserting built model instances in bulk, one column at a time.

What `QuerySet.bulk_create` does for the import's households and persons, without its work per
value (pre_save → get_db_prep_save → placeholder SQL for each of 20 columns of every row, a
third of the import's time): each column's conversion is chosen once per field, encrypted
columns are encrypted in one pass (`crypto.encrypt_many`: one random nonce per value, the
stored form of `EncryptedTextField`), blind indexes computed from their source as their
`pre_save` does, and the rows sent by `registry.bulk_rows` (COPY on PostgreSQL, `executemany`
elsewhere). A field of any other kind goes through
its own `pre_save` and `get_db_prep_save`, so the values stored are exactly bulk_create's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connection, models
from django.utils import timezone

from registry import crypto
from registry.bulk_rows import rows_insert
from registry.fields import BlindIndexField, EncryptedTextField

CHUNK = 5_000  # rows whose columns are prepared at a time
Column = Callable[[Sequence[models.Model]], list]


def _column(field: models.Field, now) -> Column:
    """The function that gives one field's database values for a list of instances."""
    attname = field.attname
    kind = type(field)
    if isinstance(field, EncryptedTextField):
        context = field.context

        def encrypted(objects):
            values = [getattr(obj, attname) for obj in objects]
            return crypto.encrypt_many(
                [None if value is None else str(value) for value in values], context=context
            )

        return encrypted
    if isinstance(field, BlindIndexField):

        def blind_index(objects):
            values = []
            for obj in objects:
                value = field.compute(getattr(obj, field.source))
                setattr(obj, attname, value)  # as pre_save does
                values.append(value)
            return values

        return blind_index
    if kind is models.DateTimeField and (field.auto_now or field.auto_now_add):
        stored = field.get_db_prep_save(now, connection)

        def stamped(objects):
            for obj in objects:
                setattr(obj, attname, now)
            return [stored] * len(objects)

        return stamped
    if kind in (models.CharField, models.TextField) or (
        kind is models.ForeignKey
        and field.target_field.get_internal_type() in ("AutoField", "BigAutoField", "CharField")
    ):
        return lambda objects: [getattr(obj, attname) for obj in objects]
    if kind is models.DateField and not (field.auto_now or field.auto_now_add):
        adapt = connection.ops.adapt_datefield_value
        return lambda objects: [adapt(getattr(obj, attname)) for obj in objects]

    def generic(objects):
        return [field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objects]

    return generic


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model], *, key: str) -> None:
    """INSERT `objects` (new instances, pk unset) and set their pks: drawn from the table's
    sequence on PostgreSQL, read back by `key` elsewhere (a unique column the caller filled, a
    code issued for each)."""
    if not objects:
        return
    for obj in objects:
        if obj.pk is not None or getattr(obj, key) in (None, ""):
            raise ValueError(f"bulk_insert: {model._meta.label} rows need no pk and a {key}")
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    columns = [_column(field, now) for field in fields]
    # PostgreSQL: the keys drawn from the table's sequence first and written with the rows (COPY
    # returns nothing); elsewhere read back afterwards.
    drawn = connection.vendor == "postgresql"
    if drawn:
        pk = model._meta.pk
        for obj, value in zip(objects, _draw_pks(model, len(objects)), strict=True):
            obj.pk = value
        fields.insert(0, pk)
        columns.insert(0, lambda chunk: [obj.pk for obj in chunk])

    def rows():
        for start in range(0, len(objects), CHUNK):
            chunk = objects[start : start + CHUNK]
            yield from zip(*(column(chunk) for column in columns), strict=True)

    rows_insert(model._meta.db_table, [f.column for f in fields], rows())
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    if not drawn:
        _read_back_pks(model, objects, key)


def _draw_pks(model: type[models.Model], count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _read_back_pks(model: type[models.Model], objects: Sequence[models.Model], key: str) -> None:
    size = max(1, min((connection.features.max_query_params or 10_000) - 10, 5_000))
    keys = [getattr(obj, key) for obj in objects]
    pk_by_key: dict = {}
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        pk_by_key.update(model.objects.filter(**{f"{key}__in": chunk}).values_list(key, "pk"))
    for obj, value in zip(objects, keys, strict=True):
        obj.pk = pk_by_key[value]
