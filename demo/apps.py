from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for `make demo`; above every other app, so it can seed each of them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = _("Dữ liệu mẫu")
