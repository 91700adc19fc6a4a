from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "certificates"
    verbose_name = _("Giấy chứng nhận")

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from certificates import signing

        if settings.REGISTRY_REQUIRE_KEYS_FROM_ENV:
            # Production: refuse to start without the signing key or the public address that
            # every QR code points to.
            if not settings.REGISTRY_PUBLIC_BASE_URL:
                raise ImproperlyConfigured(
                    "REGISTRY_PUBLIC_BASE_URL must be set in production (https://…)."
                )
            signing.signing_key()
