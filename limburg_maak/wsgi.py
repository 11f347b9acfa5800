import gc
import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "limburg_maak.settings")
application = get_wsgi_application()

from subscriptions.checks import mail_is_sent  # noqa: E402 (needs the apps loaded above)

# Said at start, as `manage.py` commands say it: without EMAIL_HOST, mails are only logged.
for notice in mail_is_sent(None):
    logging.getLogger("subscriptions.mail").info("%s", notice.msg)

# What is loaded by now (modules, settings, URL patterns, models) lives as long as the process:
# keep it out of the garbage collector, which otherwise walks all of it again in the full
# collections that a request's many short-lived objects set off, a large part of an API list's
# time (docs/performance.md).
gc.freeze()
