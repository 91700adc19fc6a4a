"""`makemessages` that writes deterministic catalogues without fuzzy guesses.

- msgmerge's fuzzy matching fills a new Vietnamese message with the translation of a similar one
  ("Tạm dừng hưởng" → "Terminated"); off, so a new message is plainly untranslated and the
  catalogue test names it. Extending msgmerge_options is Django's documented way.
- The POT-Creation-Date header changes on every run, so every catalogue would differ after each
  run and branches would conflict on it; it is dropped, and a catalogue changes only when its
  messages do.
- A new catalogue starts from gettext's template header (marked fuzzy, so msgfmt would drop its
  charset); it gets the project's header instead.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages

CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*\\n"\n', re.MULTILINE)
TEMPLATE_HEADER = re.compile(r"\A# SOME DESCRIPTIVE TITLE\.\n(#.*\n)*?#, fuzzy\n")
PROJECT_HEADER = "# English messages of the registry. Source strings are Vietnamese.\n"


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args, **options):
        super().handle(*args, **options)
        for po_file in Path(settings.BASE_DIR).glob("**/locale/*/LC_MESSAGES/django.po"):
            if ".venv" in po_file.parts:
                continue
            text = po_file.read_text(encoding="utf-8")
            cleaned = TEMPLATE_HEADER.sub(PROJECT_HEADER, CREATION_DATE.sub("", text))
            cleaned = cleaned.replace(
                '"Project-Id-Version: PACKAGE VERSION', '"Project-Id-Version: registry'
            ).replace('"Language: \\n"', f'"Language: {po_file.parts[-3]}\\n"')
            if cleaned != text:
                po_file.write_text(cleaned, encoding="utf-8")
