"""Following records by e-mail: who follows what, the digests sent, and the requests to follow.

An address follows nothing until it confirms by the link in the mail its request sent (double
opt-in); what it follows it manages on one page, reached by the signed link in every mail.
Staff follow with their account. A digest lists the public changes (`PublicChange`, the feed)
of what an address follows; its cursor (`covered_to`) says up to which feed entry the last one
went, so the next covers exactly the entries after it.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetLine, Subsidy
from programs.models import (
    Action,
    Commitment,
    Document,
    Indicator,
    Meeting,
    Organisation,
    Person,
    Program,
    Theme,
)

#: How long a request to follow waits for its confirmation before it is deleted.
CONFIRMATION_HOURS = 48


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def reachable(self):
        """Confirmed, with an address: a staff account whose address was emptied gets its
        digests again, none missed, once it has one."""
        has_address = Q(email__isnull=False) | (Q(user__isnull=False) & ~Q(user__email=""))
        return self.confirmed().filter(has_address)

    def unconfirmed_before(self, moment):
        """Addresses that never confirmed a request made before `moment`."""
        return self.filter(confirmed_at__isnull=True, user__isnull=True, created_at__lt=moment)


class Subscriber(models.Model):
    """An e-mail address, or a staff account, that follows records and receives digests."""

    class Frequency(models.TextChoices):
        DAILY = "dagelijks", _("dagelijks")
        WEEKLY = "wekelijks", _("wekelijks, op maandag")
        BEFORE_MEETING = (
            "voor-vergadering",
            _("voor elke vergadering van de commissies die ik volg"),
        )

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mailadres"), unique=True, null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriber",
    )
    language = models.CharField(
        _("taal"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    frequency = models.CharField(
        _("hoe vaak"), max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    days_before_meeting = models.PositiveSmallIntegerField(
        _("dagen voor de vergadering"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    created_at = models.DateTimeField(_("aangemeld op"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    covered_to = models.BigIntegerField(
        _("bijgewerkt tot wijziging"),
        default=0,
        help_text=_("De laatste wijziging in de feed die een overzicht heeft meegenomen."),
    )
    next_digest_at = models.DateTimeField(_("volgend overzicht"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("volger")
        verbose_name_plural = _("volgers")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=True, user__isnull=False)
                | Q(email__isnull=False, user__isnull=True),
                name="subscriber_is_an_address_or_an_account",
            )
        ]

    def __str__(self):
        # Never the address: this text may reach a log or a page meant for others.
        return f"volger {self.pk}"

    @property
    def address(self):
        """Where its mail goes: its own address, or its account's."""
        return self.email or (self.user.email if self.user else "")

    def confirm(self, now):
        """Start receiving digests: of the changes from now on."""
        from programs.changes import latest_entry_id

        if self.confirmed_at is None:
            self.confirmed_at = now
            self.covered_to = latest_entry_id()
        self.schedule(now)

    def schedule(self, now):
        """Set when the next daily or weekly digest is due after `now` (none before a
        meeting: those follow the meetings)."""
        self.next_digest_at = next_digest_time(self.frequency, now)


#: The local hour at which daily and weekly digests are due.
DIGEST_HOUR = 7


def next_digest_time(frequency, now):
    """The first moment after `now` at which a digest of `frequency` is due: 07:00 local time
    the next day, or on the next Monday; None for digests before meetings."""
    if frequency == Subscriber.Frequency.BEFORE_MEETING:
        return None
    local = timezone.localtime(now)
    day = local.date() + datetime.timedelta(days=1)
    if frequency == Subscriber.Frequency.WEEKLY:
        day += datetime.timedelta(days=(7 - day.weekday()) % 7)
    at = datetime.datetime.combine(day, datetime.time(DIGEST_HOUR))
    return timezone.make_aware(at, local.tzinfo)


class Follow(models.Model):
    """One thing an address follows: a record, a committee, or every overdue commitment."""

    class Kind(models.TextChoices):
        COMMITMENT = "toezegging", _("toezegging of motie")
        PROGRAM = "programma", _("programma")
        THEME = "thema", _("thema")
        DOCUMENT = "document", _("document")
        ORGANISATION = "organisatie", _("organisatie")
        PORTFOLIO_HOLDER = "portefeuillehouder", _("portefeuillehouder")
        COMMITTEE = "commissie", _("commissie")
        OVERDUE = "verstreken", _("alle toezeggingen en moties met verstreken termijn")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(_("wat"), max_length=20, choices=Kind.choices)
    target = models.CharField(
        _("welke"),
        max_length=300,
        blank=True,
        help_text=_("De vaste id van het record, de naam van de commissie, of leeg."),
    )
    created_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("gevolgd onderwerp")
        verbose_name_plural = _("gevolgde onderwerpen")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "kind", "target"], name="follow_once_per_subscriber"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.target}".strip()

    def record(self):
        """The record followed, if the public can read it now; else None."""
        model = RECORD_MODELS.get(self.kind)
        if model is None:
            return None
        try:
            return model.objects.published().filter(uuid=uuid.UUID(self.target)).first()
        except ValueError:
            return None

    def label(self):
        """How a page or a mail names what is followed."""
        if self.kind == self.Kind.OVERDUE:
            return str(self.Kind.OVERDUE.label).capitalize()
        if self.kind == self.Kind.COMMITTEE:
            return str(_("Commissie: %(name)s")) % {"name": self.target}
        record = self.record()
        if record is None:
            return f"{self.get_kind_display().capitalize()}: {_('(niet meer openbaar)')}"
        if self.kind == self.Kind.COMMITMENT:
            return str(record)  # "Toezegging 1886: ..." says its kind itself
        return f"{self.get_kind_display().capitalize()}: {record}"

    def concerns(self, today):
        """The feed entries about what is followed, as a condition on `PublicChange`: the
        record itself and the public records under it (a program's budget lines, subsidies,
        actions, indicators and commitments; a theme's programs, actions, commitments and
        indicators). Links by a foreign key are read from the records' history, so a line
        that was deleted or moved away still counts for the program it was under."""
        if self.kind == self.Kind.OVERDUE:
            overdue = Commitment.objects.published().due_before(today)
            return Q(type="commitment", record_uuid__in=overdue.values("uuid"))
        if self.kind == self.Kind.COMMITTEE:
            meetings = Meeting.objects.filter(body=self.target).values("pk")
            made_there = ever_linked(Commitment, meeting_id__in=meetings)
            return Q(type="commitment", record_uuid__in=made_there)
        model = RECORD_MODELS[self.kind]
        try:
            key = uuid.UUID(self.target)
        except ValueError:
            return Q(pk__in=[])
        pk = model._base_manager.filter(uuid=key).values_list("pk", flat=True).first()
        own = Q(type=FEED_TYPE_NAMES.get(self.kind, "-"), record_uuid=key)
        if pk is None:
            return own
        return own | under(self.kind, pk)


#: The models of the kinds that follow one record.
RECORD_MODELS = {
    Follow.Kind.COMMITMENT: Commitment,
    Follow.Kind.PROGRAM: Program,
    Follow.Kind.THEME: Theme,
    Follow.Kind.DOCUMENT: Document,
    Follow.Kind.ORGANISATION: Organisation,
    Follow.Kind.PORTFOLIO_HOLDER: Person,
}
#: The feed's name of each kind's records (a person has no entries of its own).
FEED_TYPE_NAMES = {
    Follow.Kind.COMMITMENT: "commitment",
    Follow.Kind.PROGRAM: "program",
    Follow.Kind.THEME: "theme",
    Follow.Kind.DOCUMENT: "document",
    Follow.Kind.ORGANISATION: "organisation",
}


def ever_linked(model, **lookup):
    """The uuids of the records of `model` that are, or ever were, linked by `lookup` (a
    foreign key in the model's history)."""
    return model.history.filter(**lookup).values("uuid")


def under(kind, pk):
    """The entries of the records under the record `pk` of `kind` (see `Follow.concerns`)."""
    entries = {
        Follow.Kind.PROGRAM: {
            "budget-line": ever_linked(BudgetLine, program_id=pk),
            "subsidy": ever_linked(Subsidy, instrument_id=pk),
            "action": ever_linked(Action, program_id=pk),
            "indicator": ever_linked(Indicator, program_id=pk),
            "commitment": Commitment.objects.filter(programs=pk).values("uuid"),
        },
        Follow.Kind.THEME: {
            "program": Program.objects.filter(themes=pk).values("uuid"),
            "action": Action.objects.filter(themes=pk).values("uuid"),
            "commitment": Commitment.objects.filter(themes=pk).values("uuid"),
            "indicator": Indicator.objects.filter(themes=pk).values("uuid"),
        },
        Follow.Kind.DOCUMENT: {
            "budget-line": ever_linked(BudgetLine, document_id=pk),
            "commitment": ever_linked(Commitment, fulfilled_by_id=pk),
        },
        Follow.Kind.ORGANISATION: {
            "subsidy": ever_linked(Subsidy, recipient_id=pk),
            "program": Program.objects.filter(organisations=pk).values("uuid"),
        },
        Follow.Kind.PORTFOLIO_HOLDER: {
            "commitment": ever_linked(Commitment, made_by_id=pk),
        },
    }.get(kind, {})
    condition = Q(pk__in=[])
    for type_name, uuids in entries.items():
        condition |= Q(type=type_name, record_uuid__in=uuids)
    return condition


class Digest(models.Model):
    """A digest sent: to whom, which feed entries it covered, and for which meeting."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="digests")
    sent_at = models.DateTimeField(_("verstuurd op"))
    covered_from = models.BigIntegerField(_("vanaf wijziging (niet meegerekend)"))
    covered_to = models.BigIntegerField(_("tot en met wijziging"))
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("vergadering"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    change_count = models.PositiveIntegerField(_("aantal wijzigingen"))
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("verstuurd overzicht")
        verbose_name_plural = _("verstuurde overzichten")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "meeting"],
                condition=Q(meeting__isnull=False),
                name="one_digest_per_subscriber_and_meeting",
            )
        ]

    def __str__(self):
        return f"{self.message_id}"


class FollowRequest(models.Model):
    """A request to follow, kept a day to limit how many an address or a client makes: keyed
    hashes of the address and the client, never the address or the client itself."""

    address_hash = models.CharField(max_length=64, db_index=True)
    client_hash = models.CharField(max_length=64, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self):
        return f"aanvraag {self.pk}"

    @staticmethod
    def hashed(kind, value):
        return salted_hmac(f"subscriptions.{kind}", value.strip().lower()).hexdigest()
