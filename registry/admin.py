"""Django admin for the shared core: administrative units, users with their communes, audit events."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from registry.models import AuditEvent, Commune, Province, User


def _superusers_only(request) -> bool:
    """Staff work in the web application; the admin is the superuser's tool (legal figures, users)."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type", "province"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff", "roles"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]
    autocomplete_fields = ["communes"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Xã được giao"), {"fields": ["communes"]}),)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("vai trò"))
    def roles(self, obj) -> str:
        return ", ".join(group.name for group in obj.groups.all())


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by the services and never edited by hand."""

    list_display = ["id", "at", "actor", "action", "object_type", "object_id", "commune_code"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["action", "object_type", "object_id", "commune_code"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- auditgaps: axes' lock-outs hold keyed hashes; the superuser searches them by plain name ---
import axes.admin  # noqa: E402  (registers axes' admin first, so it can be replaced here)
from axes.models import AccessAttempt  # noqa: E402
from django.db.models import Q  # noqa: E402


class HashedAccessAttemptAdmin(axes.admin.AccessAttemptAdmin):
    """Search by the username or address typed in: the term is hashed as axes' records are.
    Deleting a record lifts that lock-out (as `manage.py unlock_login` does)."""

    search_help_text = _("Tên đăng nhập hoặc địa chỉ IP (được băm để tìm)")

    def get_search_results(self, request, queryset, search_term):
        from registry.security import axes_address_key, axes_username_key

        term = search_term.strip()
        if not term:
            return queryset, False
        keys = Q(username=axes_username_key(term)) | Q(ip_address=axes_address_key(term))
        return queryset.filter(keys), False


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, HashedAccessAttemptAdmin)
