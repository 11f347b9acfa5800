"""Digests: what changed in what an address follows, sent when due (`send_due`, run every hour
by `manage.py send_digests`).

Each digest is made and sent in a transaction of its own that also records it and moves the
address's cursor, with the address's row locked: a second run at the same time waits and then
finds nothing due, a failed mail changes nothing (it is tried again the next hour), and a run
that stops between two mails sends the rest on its next run, without repeating the first.
Only a crash after the mail server took a mail and before the transaction committed can send
that one mail twice; its Message-ID is the same both times, so a mail program can tell.
"""

import datetime
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from budgets.feeds import change_title, record_page, with_changed_fields
from programs.changes import latest_entry_id
from programs.models import Commitment, Meeting, PublicChange, Settlement

from . import mail
from .models import CONFIRMATION_HOURS, Digest, Follow, FollowRequest, Subscriber

logger = logging.getLogger(__name__)

#: The most changes a digest lists per followed item; the rest it counts and links to.
CHANGES_PER_ITEM = 50
#: The most rappellijst items a digest before a meeting lists.
REMINDERS_LISTED = 50
PERIODS = {
    Subscriber.Frequency.DAILY: datetime.timedelta(days=1),
    Subscriber.Frequency.WEEKLY: datetime.timedelta(days=7),
}


@dataclass
class Section:
    """What changed in one followed item."""

    follow: Follow
    changes: list = field(default_factory=list)
    more: int = 0
    newly_overdue: list = field(default_factory=list)

    @property
    def label(self):
        return self.follow.label()


def described(change):
    """A change as a digest shows it: a line, a link, when, and for an update which fields
    changed from what to what (`with_changed_fields`)."""
    return {
        "title": change_title(change),
        "url": mail.absolute(record_page(change)),
        "changed_at": change.changed_at,
        "fields": change.fields,
    }


def sections_for(subscriber, entries, today, overdue_since=None):
    """[Section] of `entries` (PublicChange) per followed item, in the order followed, each
    change under the first item it concerns; with `overdue_since`, the commitments whose
    deadline passed from that day on under "all overdue"."""
    sections, seen = [], set()
    for follow in subscriber.follows.filter(confirmed_at__isnull=False):
        section = Section(follow)
        matching = entries.filter(follow.concerns(today)).exclude(pk__in=seen)
        changes = list(matching[: CHANGES_PER_ITEM + 1])
        if len(changes) > CHANGES_PER_ITEM:
            section.more = matching.count() - CHANGES_PER_ITEM
            changes = changes[:CHANGES_PER_ITEM]
        seen.update(change.pk for change in changes)
        section.changes = [described(change) for change in with_changed_fields(changes)]
        if follow.kind == Follow.Kind.OVERDUE and overdue_since is not None:
            newly = Commitment.objects.published().due_before(today)
            newly = newly.exclude(pk__in=Commitment.objects.due_before(overdue_since))
            section.newly_overdue = [
                {"title": str(commitment), "url": mail.absolute(commitment.get_absolute_url())}
                for commitment in newly.by_deadline()[:CHANGES_PER_ITEM]
            ]
        if section.changes or section.newly_overdue:
            sections.append(section)
    return sections


def send_due(now, connection=None):
    """Send every digest due at `now`, after deleting what expired: (the digests sent, how
    many failed). A digest that fails is logged, without its address, and tried next run."""
    purge(now)
    due = Subscriber.objects.reachable().filter(next_digest_at__lte=now)
    attempts = [(send_periodic, pk, {}) for pk in due.values_list("pk", flat=True)]
    attempts += [(send_before_meeting, pk, {"meeting": m}) for pk, m in meetings_due(now)]
    sent, failed = [], 0
    for send_one, pk, kwargs in attempts:
        try:
            digest = send_one(pk, now, connection, **kwargs)
        except Exception:
            logger.exception("Digest for subscriber %s not sent; it is tried again next run", pk)
            failed += 1
            continue
        if digest is not None:
            sent.append(digest)
    return sent, failed


def send_periodic(pk, now, connection=None):
    """The daily or weekly digest of subscriber `pk`, if it is due: the changes after its
    cursor. Moves the cursor and the next time due, also when there is nothing to send."""
    with transaction.atomic():
        subscriber = locked(pk).filter(next_digest_at__lte=now).first()
        if subscriber is None:
            return None
        covered_to = latest_entry_id()
        entries = PublicChange.objects.filter(id__gt=subscriber.covered_to, id__lte=covered_to)
        today = timezone.localdate(now)
        period = PERIODS.get(subscriber.frequency, PERIODS[Subscriber.Frequency.DAILY])
        overdue_since = timezone.localdate(subscriber.next_digest_at - period)
        sections = sections_for(subscriber, entries, today, overdue_since)
        digest = None
        if sections:
            with translation.override(subscriber.language):
                subject = _("Wat er veranderde in wat u volgt, tot %(date)s") % {
                    "date": date_format(timezone.localtime(now), "j F Y")
                }
            digest = deliver(subscriber, subject, sections, now, covered_to, connection)
        subscriber.covered_to = covered_to
        subscriber.schedule(now)
        subscriber.save(update_fields=["covered_to", "next_digest_at"])
        return digest


def send_before_meeting(pk, now, connection=None, *, meeting):
    """The digest of subscriber `pk` before `meeting`: what changed since the committee's
    previous meeting and the rappellijst for this one; once per meeting."""
    with transaction.atomic():
        subscriber = locked(pk).first()
        if subscriber is None or subscriber.digests.filter(meeting=meeting).exists():
            return None
        previous = meeting.previous()
        since = start_of(previous.date) if previous else subscriber.confirmed_at
        covered_to = latest_entry_id()
        entries = PublicChange.objects.filter(changed_at__gte=since, id__lte=covered_to)
        today = timezone.localdate(now)
        overdue_since = previous.date if previous else timezone.localdate(since)
        sections = sections_for(subscriber, entries, today, overdue_since)
        pending = Settlement.objects.published().pending()
        due = Commitment.objects.published().reminder_list(meeting.date, pending)
        reminders = [
            {"title": str(commitment), "url": mail.absolute(commitment.get_absolute_url())}
            for commitment in due[:REMINDERS_LISTED]
        ]
        if not sections and not reminders:
            return None
        with translation.override(subscriber.language):
            subject = _("Voor %(meeting)s: wat er veranderde en de rappellijst") % {
                "meeting": meeting
            }
            extra = {
                "since": previous,
                "reminders": reminders,
                "reminder_count": due.count(),
                "reminder_url": mail.absolute(
                    f"{reverse('reminder-list')}?{urlencode({'vergadering': meeting.slug})}"
                ),
            }
        return deliver(
            subscriber, subject, sections, now, covered_to, connection, meeting=meeting, **extra
        )


def deliver(subscriber, subject, sections, now, covered_to, connection, meeting=None, **extra):
    """Send the digest mail and record it (in the caller's transaction)."""
    # The same for the same digest: a mail sent twice after a crash reads as one.
    part = f"{subscriber.key}-{covered_to}-{meeting.pk if meeting else 0}"
    message_id = f"<digest-{part}@{settings.SITE_DOMAIN}>"
    context = {"sections": sections, "now": now, "meeting": meeting, **extra}
    message = mail.message(subscriber, subject, "digest_mail", context, message_id=message_id)
    mail.send([message], connection)
    return Digest.objects.create(
        subscriber=subscriber,
        sent_at=now,
        covered_from=subscriber.covered_to,
        covered_to=covered_to,
        meeting=meeting,
        change_count=sum(len(section.changes) + section.more for section in sections),
        message_id=message_id,
    )


def locked(pk):
    """The confirmed subscriber `pk`, its row locked to the end of the transaction."""
    return Subscriber.objects.select_for_update().confirmed().filter(pk=pk)


def meetings_due(now):
    """[(subscriber pk, meeting)]: the digests before a meeting due at `now`: a meeting of a
    committee the subscriber follows, from its days before the meeting up to the meeting's
    day, not yet sent."""
    today = timezone.localdate(now)
    subscribers = Subscriber.objects.reachable().filter(
        frequency=Subscriber.Frequency.BEFORE_MEETING
    )
    due = []
    for subscriber in subscribers:
        bodies = subscriber.follows.filter(
            kind=Follow.Kind.COMMITTEE, confirmed_at__isnull=False
        ).values("target")
        horizon = today + datetime.timedelta(days=subscriber.days_before_meeting)
        meetings = Meeting.objects.published().filter(
            body__in=bodies, date__gte=today, date__lte=horizon
        )
        meetings = meetings.exclude(pk__in=subscriber.digests.values("meeting"))
        due += [(subscriber.pk, meeting) for meeting in meetings.order_by("date", "pk")]
    return due


def start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def purge(now):
    """Delete what may not be kept: addresses and requests to follow left unconfirmed for
    48 hours, and the records of requests older than a day."""
    expired = now - datetime.timedelta(hours=CONFIRMATION_HOURS)
    Subscriber.objects.unconfirmed_before(expired).delete()
    Follow.objects.filter(confirmed_at__isnull=True, created_at__lt=expired).delete()
    FollowRequest.objects.filter(requested_at__lt=now - datetime.timedelta(days=1)).delete()
