"""`agora serve`: the production WSGI server (gunicorn; static files by whitenoise)."""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Sert Agora avec gunicorn (serveur de production)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("AGORA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("AGORA_WORKERS", "2")))

    def handle(self, *args, bind, workers, **options):
        from gunicorn.app.wsgiapp import WSGIApplication

        self.stdout.write(f"Agora sur http://{bind}/ (Ctrl+C pour arrêter)")
        sys.argv = ["gunicorn", "--bind", bind, "--workers", str(workers), "--threads", "4",
                    "--access-logfile", "-", "agora.config.wsgi:application"]
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
