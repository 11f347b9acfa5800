import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from subscriptions.checks import mail_is_sent
from subscriptions.digests import send_due


class Command(BaseCommand):
    help = (
        "Send the digests that are due (run every hour): daily, weekly and before meetings; "
        "delete unconfirmed addresses after 48 hours."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="The time to act as if it were (ISO 8601, e.g. 2026-12-07T07:00+01:00).",
        )

    def handle(self, *args, now=None, **options):
        moment = parse_moment(now) if now else timezone.now()
        for warning in mail_is_sent(None):
            self.stderr.write(warning.msg)
        sent, failed = send_due(moment)
        self.stdout.write(f"{len(sent)} digest(s) sent.")
        if failed:
            raise CommandError(f"{failed} digest(s) failed; they are tried again next run.")


def parse_moment(text):
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--now: not an ISO 8601 time: {text!r}") from error
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
