"""Model fields for personal data: encrypted text columns and their blind-index columns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.core import validators
from django.db import connection, models
from django.db.models import QuerySet

from registry import crypto


class EncryptedTextField(models.TextField):
    """Text stored as AES-GCM ciphertext bound to its model and column; cannot be filtered on.

    `max_length` limits the plaintext (checked by `full_clean` and read by every form, serializer
    and import that fills the field); the column itself holds the longer ciphertext, so the
    limit is not part of the column's definition or of migrations.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    @property
    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return crypto.decrypt(value, context=self.context)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(str(value), context=self.context)

    def get_lookup(self, lookup_name):
        # Ciphertext is randomised: any comparison would silently match nothing. Search goes
        # through the blind-index columns instead.
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name):
        return None


class BlindIndexField(models.CharField):
    """Keyed, truncated HMAC of another field's normalised plaintext, recomputed on every save."""

    def __init__(
        self,
        *args,
        source: str = "",
        bits: int = 32,
        normaliser: Callable[[str], str] = crypto.normalise_text,
        **kwargs,
    ):
        self.source = source
        self.bits = bits
        self.normaliser = normaliser
        kwargs["max_length"] = 5 + (bits + 3) // 4
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["bits"] = self.bits
        kwargs.pop("editable", None)
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    @property
    def index_name(self) -> str:
        return f"{self.model._meta.label_lower}.{self.source}"

    def compute(self, plaintext: str | None, root: bytes | None = None) -> str | None:
        if plaintext is None:
            return None
        normalised = self.normaliser(plaintext)
        if not normalised:
            return None
        return crypto.blind_index(normalised, field=self.index_name, bits=self.bits, root=root)

    def candidates(self, plaintext: str) -> list[str]:
        normalised = self.normaliser(plaintext)
        if not normalised:
            return []
        return crypto.blind_index_candidates(normalised, field=self.index_name, bits=self.bits)

    def pre_save(self, model_instance, add):
        value = self.compute(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value

    def matches(self, stored: str | None, wanted: str) -> bool:
        """Whether a decrypted value equals the wanted one after this index's normalisation."""
        return stored is not None and self.normaliser(stored) == self.normaliser(wanted)


def blind_index_search(queryset: QuerySet, **wanted: str) -> list[models.Model]:
    """The rows whose decrypted fields equal `wanted` (source field → plaintext), in pk order.

    Each criterion narrows the query in SQL through its blind index (one candidate per configured
    root key, so search keeps working during an index rebuild); the indexes are truncated on
    purpose (docs/encryption.md), so the candidates are then decrypted and compared, and the
    false positives dropped. Never scans or decrypts a whole table.
    """
    fields = {source: blind_index_field(queryset.model, source) for source in wanted}
    for source, field in fields.items():
        candidates = field.candidates(wanted[source])
        if not candidates:
            return []
        queryset = queryset.filter(**{f"{field.attname}__in": candidates})
    return [
        row
        for row in queryset.order_by("pk")
        if all(
            field.matches(getattr(row, source), wanted[source]) for source, field in fields.items()
        )
    ]


def blind_index_present(queryset: QuerySet, source: str, values: Iterable[str]) -> set[str]:
    """Which of many plaintexts are stored in `source` (bulk imports): the candidates of every
    value looked up in chunks under the backend's parameter limit, confirmed after decryption."""
    field = blind_index_field(queryset.model, source)
    values_by_candidate: dict[str, set[str]] = defaultdict(set)
    for value in values:
        for candidate in field.candidates(value):
            values_by_candidate[candidate].add(value)
    keys = sorted(values_by_candidate)
    found: set[str] = set()
    chunk_size = max(1, min((connection.features.max_query_params or 10_000) - 10, 5_000))
    for start in range(0, len(keys), chunk_size):
        rows = queryset.filter(**{f"{field.attname}__in": keys[start : start + chunk_size]})
        for candidate, stored in rows.values_list(field.attname, source):
            found.update(v for v in values_by_candidate[candidate] if field.matches(stored, v))
    return found


def blind_index_field(model: type[models.Model], source: str) -> BlindIndexField:
    for field in model._meta.concrete_fields:
        if isinstance(field, BlindIndexField) and field.source == source:
            return field
    raise LookupError(f"{model._meta.label} has no blind index on {source}")


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


class BlindIndexedModel(models.Model):
    """Keeps blind indexes in step when `save(update_fields=[...])` names only their source."""

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = set(update_fields) | {
                f.name for f in blind_index_fields(type(self)) if f.source in update_fields
            }
        super().save(*args, update_fields=update_fields, **kwargs)
