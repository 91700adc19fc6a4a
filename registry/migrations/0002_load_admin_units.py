"""Load the 34 provinces and 3,321 communes; idempotent, re-run by `load_admin_units`."""

from django.db import migrations


def load(apps, schema_editor):
    from registry.admin_units import admin_units_load

    admin_units_load(apps.get_model("registry", "Province"), apps.get_model("registry", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
