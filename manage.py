#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "limburg_maak.settings")
    # Commands on a developer's checkout work without configuration; production sets DEBUG=0
    # (and SECRET_KEY) explicitly, and gunicorn serves through wsgi.py, which has no default.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
