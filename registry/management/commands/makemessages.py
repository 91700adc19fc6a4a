"""`makemessages` that writes deterministic catalogues without fuzzy guesses.

- msgmerge's fuzzy matching fills a new Vietnamese message with the translation of a similar one
  ("Tạm dừng hưởng" → "Terminated"); off, so a new message is plainly untranslated and the
  catalogue test names it. Extending msgmerge_options is Django's documented way.
- The POT-Creation-Date header changes on every run, so every catalogue would differ after each
  run and branches would conflict on it; it is dropped, and a catalogue changes only when its
  messages do.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages

CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*\\n"\n', re.MULTILINE)


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args, **options):
        super().handle(*args, **options)
        for po_file in Path(settings.BASE_DIR).glob("**/locale/*/LC_MESSAGES/django.po"):
            if ".venv" in po_file.parts:
                continue
            text = po_file.read_text(encoding="utf-8")
            cleaned = CREATION_DATE.sub("", text)
            if cleaned != text:
                po_file.write_text(cleaned, encoding="utf-8")
