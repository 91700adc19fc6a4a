"""`manage.py db_worker`: the django-tasks-db worker, plus the jobs app's sweeper thread.

The same command, options and queue loop as the package's own `db_worker` (this app is listed
before `django_tasks_db` in INSTALLED_APPS, so this command wins the name); the only addition
is `jobs.sweeper.Sweeper`, which re-queues jobs whose worker died once their lease expired.
"""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as PackageWorkerCommand

from jobs.sweeper import Sweeper


class Command(PackageWorkerCommand):
    help = (
        "Chạy việc nền từ hàng đợi trong cơ sở dữ liệu (django-tasks-db), và đưa lại vào hàng "
        "đợi những việc mà máy chạy việc đã dừng giữa chừng."
    )

    def handle(self, *args, **options) -> None:
        sweeper = Sweeper()
        sweeper.start()
        try:
            super().handle(*args, **options)
        finally:
            sweeper.stop()
