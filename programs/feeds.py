"""The iCalendar feed of deadlines: public commitments (toezeggingen, moties) and actions.

Each deadline is an all-day event on the last day of its period: "medio 2016" (May to
August) falls on 31 August 2016, the day after which the deadline has passed; the Dutch
label and the whole period are in the summary and description. UIDs are stable (the
record's uuid and the configured `SITE_DOMAIN`, whatever its slug or the request's host),
DTSTAMP and LAST-MODIFIED are the record's latest change and SEQUENCE its version, so a
calendar app updates an event instead of duplicating it.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar, Event

from .filters import CommitmentFilter
from .models import Action, Commitment

PRODUCT_ID = "-//Provincie Limburg//Maakindustrie-tracker//NL"
CALENDAR_NAME = "Termijnen van toezeggingen, moties en acties (maakindustrie Limburg)"


#: `?status=alle`: every deadline, fulfilled and finished ones included.
EVERY_STATUS = "alle"


class UnreadableFilter(ValueError):
    """A filter of the calendar's address that the register's filters refuse."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def deadline_calendar(request):
    """The calendar of the public commitments and actions that have a deadline.

    It takes the register's filters (`?theme=...&kind=motie`), which choose commitments; with
    none, the actions' deadlines are in it too. Without `status` it holds what is still open
    (commitments by the register's definition, actions planned or in progress); `?status=alle`
    holds every deadline. A filter the register refuses is an `UnreadableFilter`.
    """
    query = request.GET.copy()
    status = query.pop("status", [None])[-1]
    if status not in (None, EVERY_STATUS):
        query["status"] = status
    commitments = Commitment.objects.published().with_flags().filter(deadline_date__isnull=False)
    if status is None:
        commitments = commitments.open()
    filterset = CommitmentFilter(query, queryset=commitments, request=request)
    if not filterset.is_valid():
        raise UnreadableFilter(filterset.errors)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    for commitment in filterset.qs.with_last_changed().order_by("deadline_date", "kind", "number"):
        url = request.build_absolute_uri(commitment.get_absolute_url())
        calendar.add_component(commitment_event(commitment, url))
    if query:
        return calendar
    actions = Action.objects.published().filter(due_date__isnull=False)
    if status is None:
        actions = actions.open()
    for action in actions.with_last_changed().order_by("due_date", "slug"):
        url = request.build_absolute_uri(action.get_absolute_url())
        calendar.add_component(action_event(action, url))
    return calendar


def event_uid(record):
    """A calendar UID that stays the same whatever the record's slug or the reader's host."""
    return f"{record.uuid}@{settings.SITE_DOMAIN}"


def commitment_event(commitment, url):
    """A toezegging or motie on the last day of its deadline's period."""
    name = f"{commitment.get_kind_display().capitalize()} {commitment.number}"
    summary = f"{name}: {commitment.title} (termijn {commitment.deadline})"
    status = f"Status: {commitment.get_status_display()}."
    return deadline_event(
        event_uid(commitment),
        commitment,
        commitment.deadline,
        summary,
        url,
        status,
    )


def action_event(action, url):
    """An action on the last day of its due period."""
    summary = f"Actie: {action.title} (termijn {action.due})"
    status = f"Status: {action.get_status_display()}."
    return deadline_event(event_uid(action), action, action.due, summary, url, status)


def deadline_event(uid, record, deadline, summary, url, status):
    """An all-day event on the period's last day; the period itself in the description."""
    changed = record.last_changed or timezone.now()
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("sequence", record.version)
    # A deadline stored before the years were checked may end on 31 December 9999, the last
    # day Python has: the event then starts a day earlier rather than end past it.
    last = min(deadline.end, datetime.date.max - datetime.timedelta(days=1))
    event.add("dtstart", last)
    event.add("dtend", last + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("summary", summary)
    event.add("description", f"{period_text(deadline)} {status}")
    event.add("url", url)
    return event


def period_text(deadline):
    """'Termijn medio 2016: 1 mei 2016 tot en met 31 augustus 2016 ...'."""
    if deadline.start == deadline.end:
        return f"Termijn {deadline}."
    first, last = (date_format(day, "j F Y") for day in (deadline.start, deadline.end))
    return (
        f"Termijn {deadline}: {first} tot en met {last}; in de agenda op de laatste dag "
        "van die periode."
    )
