"""Who may call an endpoint: the one place a request's role is checked.

Roles are checked here, before input is parsed; which communes a user may touch is checked once,
by the selector or service the view calls (registry/access.py). Views therefore never fetch a
record only to check access before calling a service.
"""

from rest_framework.permissions import BasePermission

from registry.access import access_load
from registry.exceptions import Forbidden


class ActionPermission(BasePermission):
    """Per-action named permissions on viewsets: `required_permissions = {"create": "app.perm"}`.

    401 without a login; the 403 envelope without the permission.
    """

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        access_load(request.user)  # permissions and communes: one query for the whole request
        needed = getattr(view, "required_permissions", {}).get(view.action)
        if needed and not request.user.has_perm(needed):
            raise Forbidden()
        return True


def requires(permission: str) -> type[BasePermission]:
    """A permission class for an APIView that needs one named permission for every method."""

    class RequiresPermission(BasePermission):
        def has_permission(self, request, view) -> bool:
            if not request.user or not request.user.is_authenticated:
                return False
            access_load(request.user)
            if not request.user.has_perm(permission):
                raise Forbidden()
            return True

    RequiresPermission.__name__ = RequiresPermission.__qualname__ = f"Requires({permission})"
    return RequiresPermission
