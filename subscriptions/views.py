"""Following by e-mail: the request (`/volgen`), its confirmation, the page that manages what
an address follows, and unsubscribing. None of these pages may be kept by a cache: each is
for one person (`never_cache`)."""

import datetime
import logging
import smtplib
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from programs.changes import latest_entry_id
from programs.models import Meeting

from . import mail
from .forms import FollowForm, PreferencesForm
from .models import CONFIRMATION_HOURS, Follow, FollowRequest, Subscriber

logger = logging.getLogger(__name__)


def wanted_follow(data):
    """The unsaved Follow a request asks for (`?soort=...&id=...`), or None when there is no
    such public record or committee."""
    kind = data.get("soort", "")
    if kind not in Follow.Kind.values:
        return None
    target = "" if kind == Follow.Kind.OVERDUE else data.get("id", "").strip()
    wanted = Follow(kind=kind, target=target)
    if kind == Follow.Kind.OVERDUE:
        return wanted
    if kind == Follow.Kind.COMMITTEE:
        return wanted if Meeting.objects.published().filter(body=target).exists() else None
    return wanted if wanted.record() is not None else None


def staff_account(user):
    """A signed-in member of staff with an address follows with the account, not a form."""
    return user if user.is_authenticated and user.is_staff and user.email else None


@never_cache
def follow(request):
    """`/volgen?soort=toezegging&id=<vaste id>`: ask to follow a record (or `soort=commissie`
    with the committee's name, or `soort=verstreken`)."""
    data = request.POST if request.method == "POST" else request.GET
    wanted = wanted_follow(data)
    if wanted is None:
        return render(request, "subscriptions/unknown.html", status=404)
    account = staff_account(request.user)
    if request.method == "POST" and account and "account" in request.POST:
        subscriber = follow_with_account(account, wanted)
        return redirect(mail.manage_path(subscriber) + "?bevestigd")
    form = FollowForm(request.POST if request.method == "POST" else None, kind=wanted.kind)
    context = {"form": form, "wanted": wanted, "account": account}
    if request.method != "POST":
        return render(request, "subscriptions/follow.html", context)
    if not form.is_valid():
        return render(request, "subscriptions/follow.html", context, status=400)
    email = form.cleaned_data["email"]
    refused = too_many_requests(request, email)
    if refused:
        form.add_error(None, refused)
        return render(request, "subscriptions/follow.html", context, status=429)
    try:
        request_follow(email, wanted, form.cleaned_data["frequency"], get_language())
    except (smtplib.SMTPException, OSError):
        logger.exception("A confirmation mail was not sent")
        form.add_error(
            None,
            _(
                "De bevestigingsmail kon nu niet worden verstuurd. Er is niets "
                "bewaard; probeer het later opnieuw."
            ),
        )
        return render(request, "subscriptions/follow.html", context, status=503)
    return render(request, "subscriptions/follow_sent.html", context)


def too_many_requests(request, email):
    """Why this request is refused (too many for the address or from the client), or None;
    counts it when it is not."""
    now = timezone.now()
    client = import_string(settings.CLIENT_IP_CALLABLE)(request)
    address_hash = FollowRequest.hashed("address", email)
    client_hash = FollowRequest.hashed("client", client)
    requests = FollowRequest.objects.all()
    day, hour = now - datetime.timedelta(days=1), now - datetime.timedelta(hours=1)
    if (
        requests.filter(address_hash=address_hash, requested_at__gte=day).count()
        >= settings.FOLLOW_REQUESTS_PER_ADDRESS_PER_DAY
    ):
        return _(
            "Voor dit adres zijn vandaag al genoeg bevestigingsmails gestuurd. Kijk in uw "
            "inbox (en in de map voor ongewenste e-mail), of probeer het morgen opnieuw."
        )
    if (
        requests.filter(client_hash=client_hash, requested_at__gte=hour).count()
        >= settings.FOLLOW_REQUESTS_PER_CLIENT_PER_HOUR
    ):
        return _("Te veel aanvragen vanaf uw verbinding. Probeer het over een uur opnieuw.")
    FollowRequest.objects.create(address_hash=address_hash, client_hash=client_hash)
    return None


def request_follow(email, wanted, frequency, language):
    """Keep the request and mail its confirmation. An address already known keeps its own
    choices: only a page reached from its own mail changes them."""
    now = timezone.now()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(
            email=email, defaults={"frequency": frequency, "language": language}
        )
        follow, _created = subscriber.follows.get_or_create(
            kind=wanted.kind, target=wanted.target, defaults={"created_at": now}
        )
        mail.send([mail.confirmation(follow)])


def follow_with_account(user, wanted):
    now = timezone.now()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(
            user=user, defaults={"language": get_language()}
        )
        if subscriber.confirmed_at is None:
            subscriber.confirm(now)
            subscriber.save()
        subscriber.follows.update_or_create(
            kind=wanted.kind,
            target=wanted.target,
            defaults={"confirmed_at": now},
            create_defaults={"confirmed_at": now, "created_at": now},
        )
    return subscriber


def signed_subscriber(token, salt):
    """The subscriber a signed link names, or None."""
    try:
        key = signing.loads(token, salt=salt)
        return Subscriber.objects.filter(key=uuid.UUID(key)).first()
    except (signing.BadSignature, ValueError, TypeError):
        return None


@never_cache
def confirm(request, token):
    """`/volgen/bevestigen/<link>`: confirm a request to follow, by a button (a mail program
    that opens the link to check it confirms nothing)."""
    try:
        value = signing.loads(
            token, salt=mail.CONFIRM_SALT, max_age=datetime.timedelta(hours=CONFIRMATION_HOURS)
        )
        follow = Follow.objects.filter(
            pk=int(value["f"]), subscriber__key=uuid.UUID(value["s"])
        ).first()
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        follow = None
    if follow is None:
        return render(request, "subscriptions/link_expired.html", status=400)
    if request.method != "POST":
        return render(request, "subscriptions/confirm.html", {"follow": follow})
    now = timezone.now()
    with transaction.atomic():
        subscriber = follow.subscriber
        if follow.confirmed_at is None:
            follow.confirmed_at = now
            follow.save(update_fields=["confirmed_at"])
        if subscriber.confirmed_at is None:
            subscriber.confirm(now)
            subscriber.save()
    return redirect(mail.manage_path(subscriber) + "?bevestigd")


#: What the manage page confirms after a redirect: confirmed, saved, stopped following one.
NOTICES = ("bevestigd", "opgeslagen", "gestopt")


@never_cache
def manage(request, token):
    """`/volgen/beheer/<link>`: what an address follows, how often and in which language;
    stop following one item, or everything."""
    subscriber = signed_subscriber(token, mail.MANAGE_SALT)
    if subscriber is None:
        return render(request, "subscriptions/gone.html", status=404)
    if request.method == "POST" and "stop" in request.POST:
        stop = request.POST["stop"]
        if stop.isascii() and stop.isdigit():
            subscriber.follows.filter(pk=int(stop)).delete()
        return redirect(request.path + "?gestopt")
    saving = request.method == "POST"
    was_before_meetings = subscriber.frequency == Subscriber.Frequency.BEFORE_MEETING
    form = PreferencesForm(request.POST if saving else None, instance=subscriber)
    if saving and form.is_valid():
        subscriber = form.save(commit=False)
        if was_before_meetings and "frequency" in form.changed_data:
            # Its cursor stood still while digests followed the meetings: start from now.
            subscriber.covered_to = latest_entry_id()
        subscriber.schedule(timezone.now())
        subscriber.save()
        return redirect(request.path + "?opgeslagen")
    context = {
        "subscriber": subscriber,
        "form": form,
        "follows": subscriber.follows.filter(confirmed_at__isnull=False),
        "unsubscribe_path": mail.unsubscribe_path(subscriber),
        "notice": next(
            (name for name in ("bevestigd", "opgeslagen", "gestopt") if name in request.GET), None
        ),
    }
    return render(request, "subscriptions/manage.html", context, status=400 if saving else 200)


# The one-click unsubscribe of RFC 8058 is a POST from a mail program, without a session: the
# signed link is what authorises it.
@csrf_exempt
@never_cache
def unsubscribe(request, token):
    """`/volgen/afmelden/<link>`: stop everything and delete the address."""
    subscriber = signed_subscriber(token, mail.UNSUBSCRIBE_SALT)
    if request.method == "POST":
        if subscriber is not None:
            subscriber.delete()
        return render(request, "subscriptions/unsubscribed.html")
    if subscriber is None:
        return render(request, "subscriptions/gone.html", status=404)
    return render(request, "subscriptions/unsubscribe.html", {"subscriber": subscriber})
