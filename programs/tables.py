"""The tables of policy records that pages and downloads share, each described once
(`common.tables.Table`): a page shows it and `?tabel=<name>&format=csv|xlsx` downloads the
same rows."""

from operator import attrgetter

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from common.exports import DATE
from common.tables import (
    Column,
    Part,
    Table,
    fuzzy_date_column,
    period_column,
    record_column,
)

from .models import Commitment, Settlement


def visible_or_none(record, user):
    return record if record is not None and record.is_visible_to(user) else None


def period_label(start, end):
    """`medio 2013 – medio 2016`, with `?` for an unknown end."""
    return f"{start or '?'} – {end or '?'}"


def citation_column(user):
    """The source a fact cites: `Een sterke maakindustrie in Limburg, §2 LimburgMakers`."""
    return Column(_("Bron"), lambda record: record.citation_for(user))


def commitment_name(commitment):
    return f"{capfirst(commitment.get_kind_display())} {commitment.number}"


def deadline_column():
    """`medio 2016`, `geen termijn` or `termijn onbekend`; in a download with its first and
    last day."""
    return fuzzy_date_column(
        _("Termijn"), attrgetter("deadline"), lambda commitment: commitment.deadline_label()
    )


def commitment_signal(commitment):
    """What needs attention; needs the flags of `CommitmentQuerySet.with_flags()`."""
    if getattr(commitment, "is_overdue", False):
        return _("termijn verstreken")
    if getattr(commitment, "is_due_soon", False):
        return _("termijn nadert")
    if getattr(commitment, "has_no_deadline", False):
        return _("zonder termijn")
    return ""


def commitment_table(commitments, user, *, name="toezeggingen", caption):
    """Commitments with their deadline, status and signal; select `source`, annotate flags."""

    def subject(commitment):
        if commitment.vote_outcome:
            return f"{commitment.title} ({commitment.get_vote_outcome_display()})"
        return commitment.title

    columns = [
        Column(_("Nummer"), commitment_name, link=lambda c: c.get_absolute_url()),
        Column(_("Onderwerp"), subject),
        fuzzy_date_column(_("Datum"), attrgetter("made_on")),
        deadline_column(),
        Column(_("Status"), lambda c: c.get_status_display()),
        Column(_("Signaal"), commitment_signal),
        citation_column(user),
    ]
    return Table(name, caption, columns, commitments, empty=_("Geen toezeggingen of moties."))


def action_table(actions, user, *, name="acties", caption):
    """Actions with owner, program, due date and status; select `owner`, `program`, `source`."""
    columns = [
        Column(_("Actie"), attrgetter("title"), link=lambda action: action.get_absolute_url()),
        record_column(_("Eigenaar"), attrgetter("owner"), user, text=attrgetter("name")),
        record_column(_("Programma"), attrgetter("program"), user, text=attrgetter("name")),
        fuzzy_date_column(_("Termijn"), attrgetter("due"), lambda action: _("onbekend")),
        Column(_("Status"), lambda action: action.get_status_display()),
        citation_column(user),
    ]
    return Table(name, caption, columns, actions, empty=_("Geen acties."))


def indicator_table(indicators, user, *, name="kengetallen", caption):
    """Key figures as the source gives them; select `program` and `source`."""
    columns = [
        Column(_("Kengetal"), attrgetter("name")),
        # `ruim 2.500 vestigingen` on the page; in a download the number, its unit and the
        # source's qualifier, each in a column of its own.
        Column(
            _("Waarde"),
            attrgetter("display_value"),
            numeric=True,
            parts=(
                Part(_("Waarde"), attrgetter("value")),
                Part(_("Eenheid"), attrgetter("unit")),
                Part(_("Bijvoeging"), attrgetter("qualifier")),
            ),
        ),
        fuzzy_date_column(_("Peildatum"), attrgetter("reference"), lambda indicator: _("onbekend")),
        record_column(_("Programma"), attrgetter("program"), user, text=attrgetter("name")),
        citation_column(user),
    ]
    return Table(name, caption, columns, indicators, empty=_("Geen kengetallen."))


def program_table(programs, user, *, name="programmas", caption):
    """Programs with kind, status, period and what they are part of; select `parent`, `source`."""
    columns = [
        Column(_("Programma"), attrgetter("name"), link=lambda program: program.get_absolute_url()),
        Column(_("Soort"), lambda program: program.get_kind_display()),
        Column(_("Status"), attrgetter("status_label")),
        period_column(
            _("Looptijd"),
            lambda program: period_label(program.start, program.end),
            lambda program: program.start.start if program.start else None,
            lambda program: program.end.end if program.end else None,
        ),
        record_column(_("Onderdeel van"), attrgetter("parent"), user, text=attrgetter("name")),
        citation_column(user),
    ]
    return Table(name, caption, columns, programs, empty=_("Geen programma's."))


def status_counts(counted, with_open=False):
    """[(status, label, count)] for every status, zeros included, in the vocabulary's order,
    from `CommitmentQuerySet.status_counts()`; first the open ones together if `with_open`."""
    choices = Commitment.STATUS_FILTER_CHOICES if with_open else Commitment.Status.choices
    return [(value, label, counted.get(value, 0)) for value, label in choices]


def pending_settlement(commitment):
    return next(
        (s for s in commitment.settlements.all() if s.decision == Settlement.Decision.PENDING),
        None,
    )


def reminder_table(commitments, day, user):
    """The rappellijst: commitments with their pending settlement proposal, if any."""

    def holder(commitment):
        person = visible_or_none(commitment.made_by, user)
        return person.name if person else ""

    def proposal(commitment):
        settlement = pending_settlement(commitment)
        if settlement is None:
            return ""
        status = settlement.get_proposed_status_display()
        return f"{date_format(settlement.proposed_on, 'j F Y')}: {status}"

    def proposed_status(commitment):
        settlement = pending_settlement(commitment)
        return str(settlement.get_proposed_status_display()) if settlement else ""

    def proposed_on(commitment):
        settlement = pending_settlement(commitment)
        return settlement.proposed_on if settlement else None

    columns = [
        Column(_("Nummer"), commitment_name, link=lambda c: c.get_absolute_url()),
        Column(_("Onderwerp"), attrgetter("title")),
        Column(_("Portefeuillehouder"), holder),
        deadline_column(),
        Column(_("Status"), lambda c: c.get_status_display()),
        Column(_("Termijn verstreken"), lambda c: _("ja") if c.is_overdue else _("nee")),
        # The proposal's date as a date in a download, its status beside it.
        Column(
            _("Afdoeningsvoorstel"),
            proposal,
            parts=(
                Part(_("Afdoeningsvoorstel"), proposed_status),
                Part(_("Afdoeningsvoorstel: datum"), proposed_on, DATE),
            ),
        ),
    ]
    caption = _("Rappellijst per %(date)s") % {"date": date_format(day, "j F Y")}
    return Table("rappellijst", caption, columns, commitments, empty=_("Niets te rappelleren."))


def role_table(roles, user, *, of, caption):
    """Who plays which role in which program; `of` names the other side: `organisation` or
    `program`. Select it and `source`."""
    header = _("Organisatie") if of == "organisation" else _("Programma")
    columns = [
        record_column(header, attrgetter(of), user, text=attrgetter("name")),
        Column(_("Rol"), lambda role: role.get_role_display()),
        Column(_("Toelichting"), attrgetter("note")),
        citation_column(user),
    ]
    return Table("rollen", caption, columns, roles, empty=_("Geen rollen bekend."))
