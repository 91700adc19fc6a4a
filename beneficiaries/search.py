"""Search by personal data that decrypts only what it must.

A name's blind index returns every homonym (a common name repeats hundreds of times in a
province), and loading each candidate as a model decrypted all eight of its encrypted columns
(about 50 µs a person). Here the query's rows are kept as stored, unconverted: each candidate
costs one decryption per criterion (a repeated spelling normalised once) to drop the index's
truncation false positives and count the matches, and a whole person (every column converted
and decrypted) is built only for the rows actually shown: a page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db import models
from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI

from registry import crypto
from registry.fields import blind_index_field


class PersonSearchResult(Sequence):
    """The persons of `queryset` whose decrypted fields equal `wanted`, in pk order.

    A sequence (len, slices, iteration), as Django's and DRF's paginators expect: `len()` is the
    exact number of matches; indexing or slicing builds just those persons.
    """

    def __init__(self, queryset: QuerySet, **wanted: str) -> None:
        self._built: dict[int, models.Model] = {}
        self._rows: list[tuple] = []
        indexes = {source: blind_index_field(queryset.model, source) for source in wanted}
        for source, index in indexes.items():
            candidates = index.candidates(wanted[source])
            if not candidates:
                return
            queryset = queryset.filter(**{f"{index.attname}__in": candidates})
        # The query a queryset runs, minus the per-row conversion: rows come back as stored
        # (ModelIterable's own steps, with `apply_converters` deferred to `_build`).
        # Sorted here, not by the database: an ORDER BY id would tempt a planner without
        # statistics into the (commune, id) index, reading a whole commune.
        queryset = queryset.order_by()
        self._model, self._db = queryset.model, queryset.db
        compiler = queryset.query.get_compiler(using=self._db)
        chunks = compiler.execute_sql(MULTI)
        columns = [expression for expression, _sql, _alias in compiler.select]
        self._compiler, self._converters = compiler, compiler.get_converters(columns)
        self._attnames = [column.target.attname for column in columns]
        position = {attname: i for i, attname in enumerate(self._attnames)}
        checks = [
            (
                position[source],
                queryset.model._meta.get_field(source).context,
                index.normaliser,
                index.normaliser(wanted[source]),
                {},  # plaintext → normalised: homonyms are mostly spelled alike
            )
            for source, index in indexes.items()
        ]
        self._rows = [row for chunk in chunks for row in chunk if _all_match(row, checks)]
        pk = position[queryset.model._meta.pk.attname]
        self._rows.sort(key=lambda row: row[pk])

    @property
    def pks(self) -> list[int]:
        return [row[0] for row in self._rows]

    def __len__(self) -> int:
        return len(self._rows)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._build(i) for i in range(len(self._rows))[index]]
        return self._build(range(len(self._rows))[index])

    def __iter__(self) -> Iterator[models.Model]:
        return (self._build(i) for i in range(len(self._rows)))

    def _build(self, position: int) -> models.Model:
        person = self._built.get(position)
        if person is None:
            # The backend's converters, then the fields' own (dates parsed, columns decrypted).
            values = self._rows[position]
            if self._converters:
                values = next(self._compiler.apply_converters([values], self._converters))
            person = self._model.from_db(self._db, self._attnames, values)
            self._built[position] = person
        return person


def _all_match(row: tuple, checks: list) -> bool:
    for position, context, normalise, expected, seen in checks:
        token = row[position]
        if token is None:
            return False
        plain = crypto.decrypt(token, context=context)
        normalised = seen.get(plain)
        if normalised is None:
            normalised = seen[plain] = normalise(plain)
        if normalised != expected:
            return False
    return True
