"""`makemessages` without fuzzy matching: a guessed English text is worse than none.

msgmerge's fuzzy matching fills a new Vietnamese message with the translation of a similar one
("Tạm dừng hưởng" → "Terminated"); the catalogue test then fails on the fuzzy flag instead of
the wrong English reaching users unnoticed. Extending msgmerge_options is Django's documented
way to change the flags.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
