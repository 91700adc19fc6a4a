"""Per-action Django permissions for viewsets: `required_permissions = {"create": "app.perm"}`."""

from rest_framework.permissions import BasePermission

from registry.exceptions import Forbidden


class ActionPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        needed = getattr(view, "required_permissions", {}).get(view.action)
        if needed and not request.user.has_perm(needed):
            raise Forbidden()
        return True
