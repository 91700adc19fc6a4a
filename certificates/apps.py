from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "certificates"
    verbose_name = _("Giấy chứng nhận")

    def ready(self) -> None:
        from django.conf import settings

        from certificates import signing

        if settings.REGISTRY_REQUIRE_KEYS_FROM_ENV:
            signing.signing_key()  # refuse to start without the signing key in production
