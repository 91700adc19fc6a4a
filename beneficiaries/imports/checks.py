"""Checking the file as a whole and against the database: communes, households, heads, duplicates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from beneficiaries.imports.columns import HOUSEHOLD_COLUMNS, REGISTRY_HOUSEHOLD_CODE
from beneficiaries.imports.errors import Errors
from beneficiaries.imports.rows import PersonRow
from beneficiaries.models import Household, Person, Relation
from registry.access import user_commune_codes
from registry.fields import blind_index_present
from registry.models import Commune, User


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def in_chunk_size() -> int:
    # Leave room for the other parameters of the query under SQLite's 999-variable limit.
    limit = connection.features.max_query_params or 10_000
    return max(1, min(limit - 10, 5_000))


@dataclass
class NewHousehold:
    key: str
    rows: list[PersonRow] = field(default_factory=list)
    commune_code: str = ""
    village: str = ""
    address: str = ""
    area: str = ""


@dataclass
class Plan:
    rows: list[PersonRow]
    new_households: dict[str, NewHousehold]
    existing_households: dict[str, Household]  # by code
    existing_members: dict[str, list[PersonRow]]


def check_communes(rows: list[PersonRow], actor: User, errors: Errors) -> None:
    allowed = user_commune_codes(actor)
    codes = {row.commune_code for row in rows if row.commune_code}
    if allowed is None:
        known = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
    else:
        known = codes & allowed
    for row in rows:
        if row.commune_code and row.commune_code not in known:
            if allowed is None:
                message = _("Không có xã/phường mã %(code)s.") % {"code": row.commune_code}
            else:
                # Same words whether or not the commune exists: reveal nothing about others.
                message = _("Bạn không được giao xã %(code)s.") % {"code": row.commune_code}
            errors.add(row.number, "commune_code", message)
            row.bad.add("commune_code")


def group_households(rows: list[PersonRow], actor: User, errors: Errors) -> Plan:
    allowed = user_commune_codes(actor)
    registry_codes = sorted(
        {row.household_key for row in rows if REGISTRY_HOUSEHOLD_CODE.match(row.household_key)}
    )
    existing: dict[str, Household] = {}
    for chunk in chunks(registry_codes, in_chunk_size()):
        queryset = Household.objects.filter(code__in=chunk)
        if allowed is not None:
            queryset = queryset.filter(commune_id__in=allowed)
        existing.update({h.code: h for h in queryset.only("id", "code", "commune_id", "head_id")})

    new_households: dict[str, NewHousehold] = {}
    existing_members: dict[str, list[PersonRow]] = defaultdict(list)
    first_row_of: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        if not row.household_key:
            continue
        if REGISTRY_HOUSEHOLD_CODE.match(row.household_key):
            household = existing.get(row.household_key)
            if household is None:
                # Same words whether it exists elsewhere or not at all.
                errors.add(
                    row.number, "household_code",
                    _("Không tìm thấy hộ mã %(code)s trong các xã bạn được giao.")
                    % {"code": row.household_key},
                )  # fmt: skip
                row.bad.add("household_code")
                continue
            if row.commune_code and row.commune_code != household.commune_id:
                errors.add(
                    row.number, "commune_code",
                    _("Hộ %(code)s thuộc xã %(commune)s, khác với mã xã ở dòng này.")
                    % {"code": household.code, "commune": household.commune_id},
                )  # fmt: skip
                row.bad.add("commune_code")
            existing_members[household.code].append(row)
            continue
        group_key = row.household_key.casefold()
        group = new_households.setdefault(group_key, NewHousehold(key=row.household_key))
        group.rows.append(row)
        for attr in HOUSEHOLD_COLUMNS:
            value = getattr(row, attr)
            if not value:
                continue
            if not getattr(group, attr):
                setattr(group, attr, value)
                first_row_of[group_key][attr] = row.number
            elif getattr(group, attr) != value:
                errors.add(
                    row.number, attr,
                    _("Khác với dòng %(row)s của cùng hộ «%(key)s».")
                    % {"row": first_row_of[group_key][attr], "key": group.key},
                )  # fmt: skip
                row.bad.add(attr)

    for group in new_households.values():
        first = group.rows[0].number
        flagged = set().union(*(row.bad for row in group.rows))
        if not group.commune_code and "commune_code" not in flagged:
            errors.add(
                first, "commune_code",
                _("Cần nhập mã xã cho hộ «%(key)s».") % {"key": group.key},
            )  # fmt: skip
        if not group.area and "area" not in flagged:
            errors.add(first, "area", _("Cần nhập khu vực cho hộ «%(key)s».") % {"key": group.key})
        _check_heads(group.key, group.rows, errors, already_has_head=False)
    for code, members in existing_members.items():
        _check_heads(code, members, errors, already_has_head=existing[code].head_id is not None)
    return Plan(rows, new_households, existing, dict(existing_members))


def _check_heads(key: str, rows: list[PersonRow], errors: Errors, *, already_has_head: bool):
    heads = [row for row in rows if row.relation == Relation.HEAD]
    if already_has_head:
        for row in heads:
            errors.add(
                row.number, "relation_to_head", _("Hộ %(code)s đã có chủ hộ.") % {"code": key}
            )
        return
    if len(heads) > 1:
        numbers = ", ".join(str(row.number) for row in heads)
        for row in heads:
            errors.add(
                row.number, "relation_to_head",
                _("Hộ «%(key)s» có nhiều hơn một chủ hộ (dòng %(rows)s).")
                % {"key": key, "rows": numbers},
            )  # fmt: skip
    elif not heads and all(row.relation for row in rows):
        errors.add(
            rows[0].number, "relation_to_head",
            _("Hộ «%(key)s» chưa có chủ hộ: cần đúng một dòng «Chủ hộ».") % {"key": key},
        )  # fmt: skip


def _rows_by_national_id(rows: list[PersonRow]) -> dict[str, list[PersonRow]]:
    by_id: dict[str, list[PersonRow]] = defaultdict(list)
    for row in rows:
        if row.national_id:
            by_id[row.national_id].append(row)
    return by_id


def check_duplicates_in_file(rows: list[PersonRow], errors: Errors) -> None:
    for same in _rows_by_national_id(rows).values():
        if len(same) > 1:
            for row in same:
                others = ", ".join(str(o.number) for o in same if o is not row)
                errors.add(
                    row.number, "national_id",
                    _("Số định danh cá nhân trùng với dòng %(rows)s trong tệp.") % {"rows": others},
                )  # fmt: skip


def check_registered_ids(rows: list[PersonRow], errors: Errors) -> None:
    """Numbers already in the registry, through the blind index (`blind_index_present`)."""
    by_id = _rows_by_national_id(rows)
    for national_id in sorted(blind_index_present(Person.objects.all(), "national_id", by_id)):
        for row in by_id[national_id]:
            errors.add(row.number, "national_id", _("Số định danh cá nhân đã có trong sổ đăng ký."))
