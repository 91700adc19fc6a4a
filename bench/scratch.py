"""A scratch database for one bench run: an SQLite file in a temporary directory, or a fresh
PostgreSQL database beside the one `--database-url` names; migrated, and dropped by `close()`."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Scratch:
    workdir: Path
    postgres: bool
    old_name: str | None

    def close(self) -> None:
        from django.db import connection

        if self.postgres and self.old_name:
            connection.creation.destroy_test_db(self.old_name, verbosity=0)
        shutil.rmtree(self.workdir, ignore_errors=True)


def scratch_database(prefix: str, database_url: str | None) -> Scratch:
    """Set Django up on a new, migrated database (call before importing models)."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["REGISTRY_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    old_name = None
    if postgres:
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0)
    return Scratch(workdir=workdir, postgres=postgres, old_name=old_name)
