"""The shared cache table (throttling counters shared by every app server in production)."""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", "registry_cache", database=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_load_admin_units")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
