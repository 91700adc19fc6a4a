"""What every page shares: role checks, service errors placed on the form, unmasking."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from beneficiaries.apis.common import audit_unmasked_read
from registry.exceptions import NotFound, RegistryError

SENSITIVE = "beneficiaries.view_sensitive"


def role_view(permission: str) -> Callable:
    """Logged in (else the login page), holding `permission` (else 403); a record outside the
    user's communes raised by a selector or service is 404, as in the API."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404 from None

        return login_required(wrapped)

    return decorator


def run(form: forms.Form, action: Callable[[], Any]) -> Any:
    """Call a service; its errors go next to the form's fields (or on top), None then."""
    try:
        return action()
    except NotFound:
        raise
    except RegistryError as exc:
        placed = False
        for field, messages in (exc.fields or {}).items():
            if field in form.fields:
                for message in messages:
                    form.add_error(field, str(message))
                placed = True
        if not placed:
            form.add_error(None, str(exc.message))
        return None


def unmask_requested(request, persons: Iterable) -> bool:
    """`?unmask=1` (a link shown to roles holding view_sensitive): 403 for other roles; each
    person shown unmasked is an audit event, through the API's own unmask path."""
    if request.GET.get("unmask") != "1":
        return False
    if not request.user.has_perm(SENSITIVE):
        raise PermissionDenied
    with transaction.atomic():
        audit_unmasked_read(request, list(persons))
    return True
