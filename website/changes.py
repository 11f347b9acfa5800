"""`/wijzigingen`: what changed since a date or since a committee's previous meeting, grouped
by type: the web view of a digest (`subscriptions.digests`), with the same feed entries and
the same filters as following (a theme, a program, an organisation, a portfolio holder)."""

import datetime
from collections.abc import Sequence

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from budgets.feeds import FEED_TYPES, record_page, with_changed_fields
from common.tables import Column, Part, Table, render_with_tables
from programs import filters
from programs.models import Meeting, Organisation, Person, Program, PublicChange, Theme
from subscriptions.models import Follow

#: Without a date or a meeting: the changes of the last week.
DEFAULT_DAYS = 7
#: Entries read per query while a download reads them all.
CHUNK = 500
#: Entries a table shows a page: nine tables of them make one page.
PER_PAGE = 20
ACTIONS = dict(PublicChange.Action.choices)


class ChangesForm(forms.Form):
    """Since when, and about what."""

    vergadering = forms.ModelChoiceField(
        label=_("Voor de vergadering"),
        queryset=None,
        to_field_name="slug",
        required=False,
        help_text=_("Wat veranderde sinds de vorige vergadering van dezelfde commissie."),
    )
    sinds = forms.DateField(label=_("Sinds"), required=False, help_text=_("JJJJ-MM-DD"))
    theme = forms.ModelChoiceField(
        label=_("Thema"), queryset=None, to_field_name="slug", required=False
    )
    program = forms.ModelChoiceField(
        label=_("Programma"), queryset=None, to_field_name="slug", required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"), queryset=None, to_field_name="slug", required=False
    )
    portfolioHolder = forms.ModelChoiceField(
        label=_("Portefeuillehouder"), queryset=None, to_field_name="slug", required=False
    )

    #: Each filter and the kind of following whose changes it shows.
    KINDS = {
        "theme": Follow.Kind.THEME,
        "program": Follow.Kind.PROGRAM,
        "organisation": Follow.Kind.ORGANISATION,
        "portfolioHolder": Follow.Kind.PORTFOLIO_HOLDER,
    }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vergadering"].queryset = Meeting.objects.visible_to(user)
        self.fields["theme"].queryset = Theme.objects.visible_to(user)
        self.fields["program"].queryset = Program.objects.visible_to(user)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)
        self.fields["portfolioHolder"].queryset = Person.objects.visible_to(user)
        for name in self.KINDS:
            self.fields[name].empty_label = _("Alle")
        self.fields["vergadering"].empty_label = _("Geen: kies een datum")

    def since(self):
        """The first day whose changes are shown; None for every change."""
        meeting = self.cleaned_data.get("vergadering")
        if meeting is None:
            return self.cleaned_data.get("sinds") or (
                timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS)
            )
        previous = meeting.previous()
        return previous.date if previous else None

    def entries(self):
        """The public changes asked for, newest first."""
        entries = PublicChange.objects.order_by("-id")
        since = self.since()
        if since is not None:
            start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
            entries = entries.filter(changed_at__gte=start)
        today = timezone.localdate()
        for name, kind in self.KINDS.items():
            record = self.cleaned_data.get(name)
            if record is not None:
                entries = entries.filter(Follow(kind=kind, target=str(record.uuid)).concerns(today))
        return entries


class DescribedChanges(Sequence):
    """Entries read a page or a chunk at a time, each with what it changed (one batch of
    queries per page, not per entry)."""

    def __init__(self, entries):
        self.entries = entries

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("read the changes a slice at a time")
        return with_changed_fields(list(self.entries[index]))

    def __len__(self):
        return self.entries.count()

    def __iter__(self):
        chunk = self[:CHUNK]
        while chunk:
            yield from chunk
            chunk = with_changed_fields(list(self.entries.filter(id__lt=chunk[-1].id)[:CHUNK]))


#: What a long text was and became, shortened to this many characters on the page (a
#: download holds them whole).
SHOWN_CHARS = 300


def changed_text(change, chars=None):
    """ "Titel: old → new; Termijn: old → new"."""

    def cut(text):
        return Truncator(text).chars(chars) if chars else text

    return "; ".join(
        f"{capfirst(label)}: {cut(old)} → {cut(new)}" for label, old, new in change.fields
    )


def when_text(change):
    return date_format(timezone.localtime(change.changed_at), "j F Y, H:i")


def change_table(feed_type, entries):
    columns = [
        Column(
            _("Wat"),
            lambda change: change.title,
            link=record_page,
            parts=(
                Part(_("Wat"), lambda change: change.title),
                Part(_("Vaste id"), lambda change: str(change.record_uuid)),
            ),
        ),
        Column(_("Wijziging"), lambda change: str(ACTIONS[change.action])),
        Column(
            _("Wat veranderde"),
            lambda change: changed_text(change, SHOWN_CHARS),
            parts=(Part(_("Wat veranderde"), changed_text),),
        ),
        Column(
            _("Gewijzigd op"),
            when_text,
            parts=(
                Part(
                    _("Gewijzigd op"),
                    lambda change: timezone.localtime(change.changed_at).isoformat("T", "seconds"),
                ),
            ),
        ),
    ]
    caption = capfirst(feed_type.model._meta.verbose_name_plural)
    return Table(
        feed_type.name,
        caption,
        columns,
        DescribedChanges(entries.filter(type=feed_type.name)),
        empty=_("Niets veranderd."),
        per_page=PER_PAGE,
    )


def change_list(request):
    """`/wijzigingen`: the public changes since a date (`?sinds=JJJJ-MM-DD`, a week by
    default) or since the previous meeting of a committee (`?vergadering=<slug>`), one table
    per type, each downloadable (`?tabel=<type>&format=csv|xlsx`) and printable."""
    form = filters.typed_when_many(ChangesForm(request.GET, user=request.user))
    if answer := filters.answer_by_name(form, request):
        return answer
    valid = form.is_valid()
    entries = form.entries() if valid else PublicChange.objects.none()
    tables = [change_table(feed_type, entries) for feed_type in FEED_TYPES]
    subjects = [form[name] for name in ChangesForm.KINDS]
    context = {
        "form": form,
        "since": form.since() if valid else None,
        "legend": _("Sinds wanneer"),
        "fields": [form["sinds"], form["vergadering"]],
        "more_fields": subjects,
        "more_open": any(field.data or field.errors for field in subjects),
        "media": form.media,
        "active_filters": filters.chosen_fields(form, request) if valid else [],
    }
    return render_with_tables(
        request,
        "website/change_list.html",
        context,
        tables,
        filename="wijzigingen",
        status=200 if valid else 400,
    )
