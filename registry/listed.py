"""Functions an app contributes to a lower app's work, named in an explicit settings list.

A lower app (beneficiaries) runs checks or review sources that a higher one (payments) also
provides; it never imports the higher app. Instead the settings list them, in order, as
`(kind, "dotted.path.to.function")`, and this resolves the list: every kind known, none twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


def listed_functions(setting: str, *, kinds: Iterable[str]) -> list[tuple[str, Callable]]:
    """`settings.<setting>` as (kind, function), in the listed order."""
    known = set(kinds)
    resolved: list[tuple[str, Callable]] = []
    for kind, path in getattr(settings, setting):
        if kind not in known:
            raise ImproperlyConfigured(f"{setting}: unknown kind {kind!r}")
        if any(seen == kind for seen, _function in resolved):
            raise ImproperlyConfigured(f"{setting}: the kind {kind!r} is listed twice")
        resolved.append((kind, import_string(path)))
    return resolved
