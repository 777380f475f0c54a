"""`agora`: the console entry point, a thin wrapper over Django's management commands.

`agora serve` runs gunicorn, `agora runserver` Django's development server; every other word is a
management command (demo, orgs, fec, verify, migrate, check…).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["agora", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
