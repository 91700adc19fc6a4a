from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "Registry core"

    def ready(self) -> None:
        from django.conf import settings

        from registry import crypto, roles, security  # noqa: F401 (security: login audit)

        # Groups need the permissions that only exist after migrate, so they are synced then.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="registry.sync_roles")
        if settings.REGISTRY_REQUIRE_KEYS_FROM_ENV:
            crypto.keyring()  # refuse to start without keys in production
