"""`manage.py with_worker COMMAND [ARG ...]`: a manage.py command (the demo's runserver) and a
job worker side by side, as one program: one Ctrl-C or SIGTERM stops both, and when either
ends by itself the other is stopped too."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Chạy một lệnh manage.py (ví dụ runserver) cùng một tiến trình chạy việc nền "
        "(db_worker); một lần Ctrl-C dừng cả hai."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--grace",
            type=float,
            default=10.0,
            help="số giây mỗi tiến trình có để dừng trước khi bị buộc dừng (mặc định 10)",
        )
        parser.add_argument("command", nargs=argparse.REMAINDER, help="lệnh manage.py và tham số")

    def handle(self, *args, command: list[str], grace: float, **options) -> None:
        if command and command[0] == "--":
            command = command[1:]
        if not command:
            raise CommandError("Cần một lệnh để chạy, ví dụ: with_worker runserver 127.0.0.1:8000")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        # Each child leads a process group of its own, so that stopping it reaches its own
        # children too (runserver's autoreloader), and a terminal's Ctrl-C reaches only us.
        children = [
            subprocess.Popen([*manage, "db_worker", "--no-startup-delay"], process_group=0),
            subprocess.Popen([*manage, *command], process_group=0),
        ]
        for name, child in zip(("worker", command[0]), children, strict=True):
            self.stdout.write(f"with_worker: {name} pid {child.pid}")
        self.stdout.flush()
        while not stop.is_set() and all(child.poll() is None for child in children):
            stop.wait(0.2)
        ended = [child.returncode for child in children if child.returncode is not None]
        for child in children:
            _stop(child, grace)
        self.stdout.write("with_worker: stopped")
        if not stop.is_set() and ended and ended[0] != 0:
            sys.exit(ended[0] if ended[0] > 0 else 1)


def _stop(child: subprocess.Popen, grace: float) -> None:
    """SIGINT (a worker finishes its job), then SIGTERM (a worker hands its job back to the
    queue), then SIGKILL; each after `grace` seconds."""
    for signum, wait in ((signal.SIGINT, grace), (signal.SIGTERM, grace), (signal.SIGKILL, 30)):
        if child.poll() is not None:
            return
        try:
            os.killpg(child.pid, signum)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
