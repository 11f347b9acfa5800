import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "On a database without users, create the superuser 'admin' and print its password once."

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                "Created the local administrator for /admin/ "
                f"(shown only now): user 'admin', password '{password}'. "
                "The first sign-in asks to set up an authenticator app (TOTP)."
            )
        )
