"""WSGI entry point (gunicorn with threaded workers)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
application = get_wsgi_application()
