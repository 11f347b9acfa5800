"""Read API (`/api/v1/`) and public pages for policy records, as far as `visible_to` allows."""

import hashlib
import re
from operator import attrgetter
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from limburg_maak.api import in_total_order

from . import feeds, filters, serializers
from .forms import ReminderListForm
from .models import (
    Action,
    Commitment,
    CommitmentRelation,
    DeadlineChange,
    Document,
    Indicator,
    Meeting,
    Organisation,
    Person,
    Program,
    Settlement,
    StaleRecord,
    Theme,
    change_reason_limit,
    count_of,
)
from .renderers import CSVRenderer, csv_response, serializer_table
from .tables import Column, Table, count_column, record_column, render_with_tables


def commitments_for(user, link_lists=False):
    """The register as `user` may read it: flags computed, histories prefetched, and the links
    to submitters, themes, programs and actions prefetched, or with `link_lists` annotated as
    JSON lists in the same query (`with_link_lists`: the API's page costs no query per list)
    and the histories prefetched as lists (`histories_prefetched`)."""
    commitments = (
        Commitment.objects.visible_to(user)
        .with_flags()
        .select_related("made_by", "meeting", "fulfilled_by", "source")
    )
    if link_lists:
        return commitments.with_link_lists(user).prefetch_related(
            *histories_prefetched(user, as_lists=True)
        )
    return commitments.prefetch_related(
        *histories_prefetched(user),
        visible_prefetch("submitters", Person, user),
        visible_prefetch("themes", Theme, user),
        visible_prefetch("programs", Program, user),
        visible_prefetch("actions", Action, user),
    )


def histories_prefetched(user, as_lists=False):
    """Prefetches of a commitment's deadline changes, and its settlements and relations as far
    as `user` may see them. With `as_lists`, each is a plain list `linked_<name>`, as the API's
    serializers read it: Django then builds no related manager and no filtered queryset per
    commitment, and the rows are ordered within their commitment only (their `Meta.ordering`
    after its leading `commitment`), which needs no join to the commitments to sort them."""
    histories = {
        "deadline_changes": DeadlineChange.objects.all(),
        "settlements": Settlement.objects.visible_to(user).select_related(
            "proposal_document", "decided_at"
        ),
        "relations": CommitmentRelation.objects.visible_to(user).select_related("related"),
    }
    if not as_lists:
        return [Prefetch(name, records) for name, records in histories.items()]
    return [
        Prefetch(
            name,
            records.order_by(*records.model._meta.ordering[1:]),
            to_attr=f"linked_{name}",
        )
        for name, records in histories.items()
    ]


def visible_prefetch(lookup, model, user, *select_related):
    """Prefetch related records, keeping only those `user` may see."""
    queryset = model.objects.visible_to(user)
    if select_related:
        queryset = queryset.select_related(*select_related)
    return Prefetch(lookup, queryset=queryset)


# Records read per query (with their prefetches) while a CSV list streams.
CSV_CHUNK_SIZE = 500


class PayloadTooLarge(APIException):
    status_code = 413
    default_detail = "Het verzoek is te groot."
    default_code = "payload_too_large"


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = "Stuur If-Match met de ETag van de versie die u wijzigt."
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = 412
    default_detail = "Het record is intussen gewijzigd; haal het opnieuw op."
    default_code = "precondition_failed"


CHANGE_REASON = OpenApiParameter(
    "Change-Reason",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Waarom u dit wijzigt (verplicht bij PUT, PATCH en DELETE); gaat in de historie.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="De ETag van de versie die u wijzigt of verwijdert.",
)


@extend_schema_view(
    create=extend_schema(parameters=[CHANGE_REASON]),
    update=extend_schema(parameters=[IF_MATCH, CHANGE_REASON]),
    partial_update=extend_schema(parameters=[IF_MATCH, CHANGE_REASON]),
    destroy=extend_schema(parameters=[IF_MATCH, CHANGE_REASON]),
)
class RecordViewSet(viewsets.ModelViewSet):
    """List and detail by slug, published records only for anonymous readers; writes for
    editors and keys with the model's permissions, each with an ETag check and a reason."""

    lookup_field = "slug"
    model = None

    def records_for(self, user):
        """The records `user` may read, with what the list and the detail read of them."""
        return self.model.objects.visible_to(user)

    def get_queryset(self):
        return self.records_for(self.request.user)

    def get_renderers(self):
        """Lists also render CSV (`Accept: text/csv` or `?format=csv`)."""
        renderers = super().get_renderers()
        if self.action == "list":
            renderers.append(CSVRenderer())
        return renderers

    def list(self, request, *args, **kwargs):
        """A page of JSON; or, as CSV, the whole filtered list, streamed in chunks."""
        if request.accepted_renderer.format != CSVRenderer.format:
            return super().list(request, *args, **kwargs)
        self.paginator.check(request)
        # In the order of the JSON pages, ties included.
        records = in_total_order(self.filter_queryset(self.get_queryset()))
        records = records.iterator(chunk_size=CSV_CHUNK_SIZE)
        rows = serializer_table(self.get_serializer(), records)
        return csv_response(self.list_name(), rows)

    def list_name(self):
        """`budget-lines`: the list's last path segment, for the download's file name."""
        return self.request.path.rstrip("/").rsplit("/", 1)[-1].split(".")[0]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action == "list":
            # The same URL answers JSON or CSV: caches keep them apart.
            patch_vary_headers(response, ["Accept"])
        return response

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        # One transaction per write: a request that fails writes nothing.
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
            return response

    def initial(self, request, *args, **kwargs):
        # DRF reads bodies from the stream, past Django's own size check: check it here.
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        if size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise PayloadTooLarge
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "change_reason": self.change_reason()}

    def change_reason(self):
        reason = self.request.headers.get("Change-Reason", "").strip()
        limit = change_reason_limit(self.model)
        if len(reason) > limit:
            raise ValidationError({"Change-Reason": [f"Hoogstens {limit} tekens."]})
        if self.request.method == "POST":
            return reason or "Aangemaakt via de API"
        return reason

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        return with_etag(Response(self.get_serializer(record).data), record.version)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = saved(serializer)
        # Read back as a reader would: computed flags and related lists as they are now.
        record = self.get_queryset().filter(pk=record.pk).first() or record
        data = self.get_serializer(record).data
        headers = self.get_success_headers(data)
        return with_etag(Response(data, status=201, headers=headers), record.version)

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        self.check_preconditions(record)
        serializer = self.get_serializer(
            record, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        try:
            # The UPDATE itself tests the version If-Match named: of two writers, one wins.
            saved(serializer)
        except StaleRecord:
            raise PreconditionFailed from None
        # Read back as a reader would: computed flags and related lists as they are now.
        record = self.get_object()
        return with_etag(Response(self.get_serializer(record).data), record.version)

    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        # Locked until the transaction ends: the version checked is the version deleted.
        locked = self.model._base_manager.select_for_update().get(pk=record.pk)
        self.check_preconditions(locked)
        self.perform_destroy(locked)
        return Response(status=204)

    def perform_destroy(self, instance):
        instance._change_reason = self.change_reason()
        instance.delete()

    def check_preconditions(self, record):
        """If-Match must name the stored version; a reason must say why."""
        if_match = self.request.headers.get("If-Match")
        if not if_match:
            raise PreconditionRequired
        if record.version not in if_match_versions(if_match):
            raise PreconditionFailed
        if not self.change_reason():
            raise ValidationError({"Change-Reason": ["Zeg waarom u dit wijzigt."]})


def saved(serializer):
    """`serializer.save()`; a value another writer took in the meantime (the database's unique
    constraint, after the serializer's own check) is a 400 like any taken value."""
    try:
        with transaction.atomic():
            return serializer.save()
    except IntegrityError:
        raise ValidationError({"non_field_errors": [serializers.TAKEN]}) from None


# An entity tag as RFC 9110 writes it (`"7-ab12..."`, `W/"7-ab12..."`), and a list of them.
ENTITY_TAG = r'(?:W/)?"([\x21\x23-\x7e\x80-\xff]*)"'
ENTITY_TAGS = re.compile(rf"\s*{ENTITY_TAG}\s*(?:,\s*{ENTITY_TAG}\s*)*")
# Ours are under 40 characters; a header of 5.000 digits was a 500 (too long to read as a number).
IF_MATCH_LIMIT = 200
BAD_IF_MATCH = 'Stuur de ETag zoals de API hem gaf, tussen aanhalingstekens: "7-ab12cd34ef567890".'


def if_match_versions(header):
    """The versions an If-Match header names (`*` names none of ours); a malformed or
    oversized header is a 400."""
    header = header.strip()
    if header == "*":
        return set()
    if len(header) > IF_MATCH_LIMIT or not ENTITY_TAGS.fullmatch(header):
        raise ValidationError({"If-Match": [BAD_IF_MATCH]})
    return {parse_version(tag) for tag in re.findall(ENTITY_TAG, header)} - {None}


def parse_version(etag):
    """`"7-ab12..."` -> 7; None for anything else."""
    head = etag.strip().removeprefix("W/").strip('"').split("-", 1)[0]
    return int(head) if head.isascii() and head.isdigit() and len(head) < 19 else None


def with_etag(response, version):
    """A strong ETag: the record's version (for If-Match) and a hash of this representation."""

    def set_etag(rendered):
        content = hashlib.md5(rendered.content, usedforsecurity=False).hexdigest()[:16]
        rendered["ETag"] = f'"{version}-{content}"'

    response.add_post_render_callback(set_etag)
    return response


class DocumentViewSet(RecordViewSet):
    model = Document
    serializer_class = serializers.DocumentSerializer
    filterset_class = filters.DocumentFilter
    search_fields = ["title", "summary", "reference"]

    def records_for(self, user):
        return super().records_for(user).select_related("issuer")


class ThemeViewSet(RecordViewSet):
    model = Theme
    serializer_class = serializers.ThemeSerializer
    filterset_class = filters.ThemeFilter
    search_fields = ["name", "description"]


class OrganisationViewSet(RecordViewSet):
    model = Organisation
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    search_fields = ["name", "abbreviation", "place", "description"]

    def records_for(self, user):
        return super().records_for(user).select_related("parent", "source")


class ProgramViewSet(RecordViewSet):
    model = Program
    serializer_class = serializers.ProgramSerializer
    filterset_class = filters.ProgramFilter
    search_fields = ["name", "description"]

    def records_for(self, user):
        return (
            super()
            .records_for(user)
            .select_related("parent", "program_line__budget_program", "source")
            .with_link_lists(user)
        )


class PublicIdLookupMixin:
    """Records without a slug are addressed by a composed id (`motie-615`): `get_by_public_id`."""

    lookup_url_kwarg = "id"
    lookup_value_regex = "[a-z0-9]+(?:-[a-z0-9]+)+"

    def get_object(self):
        try:
            record = self.filter_queryset(self.get_queryset()).get_by_public_id(self.kwargs["id"])
        except self.model.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, record)
        return record


def public_id_parameter(example):
    """Declare the composed `id` path parameter on every operation that takes one."""
    parameter = OpenApiParameter(
        "id", str, OpenApiParameter.PATH, description=f"Bijvoorbeeld `{example}`."
    )
    detail = ("retrieve", "update", "partial_update", "destroy")
    return extend_schema_view(**{name: extend_schema(parameters=[parameter]) for name in detail})


@public_id_parameter("toezegging-1886")
class CommitmentViewSet(PublicIdLookupMixin, RecordViewSet):
    model = Commitment
    serializer_class = serializers.CommitmentSerializer
    filterset_class = filters.CommitmentFilter
    search_fields = ["number", "title", "text", "agenda_item", "fulfilment", "remaining"]

    def records_for(self, user):
        return commitments_for(user, link_lists=True)


class ActionViewSet(RecordViewSet):
    model = Action
    serializer_class = serializers.ActionSerializer
    filterset_class = filters.ActionFilter
    search_fields = ["title", "description"]

    def records_for(self, user):
        return (
            super()
            .records_for(user)
            .select_related("owner", "program", "source")
            .with_link_lists(user)
        )


class IndicatorViewSet(RecordViewSet):
    model = Indicator
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    search_fields = ["name", "sector"]

    def records_for(self, user):
        return super().records_for(user).select_related("program", "source").with_link_lists(user)


# Public pages
#
# Each table is described once (`programs.tables.Table`); the page shows it and
# `?tabel=<name>&format=csv|xlsx` downloads the same rows. The builders below are shared by
# every page that lists these records, here and in `budgets.views`.


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
        Column(_("Datum"), lambda c: c.made_on or ""),
        Column(_("Termijn"), lambda c: c.deadline_label()),
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
        Column(_("Termijn"), lambda action: action.due or _("onbekend")),
        Column(_("Status"), lambda action: action.get_status_display()),
        citation_column(user),
    ]
    return Table(name, caption, columns, actions, empty=_("Geen acties."))


def indicator_table(indicators, user, *, name="kengetallen", caption):
    """Key figures as the source gives them; select `program` and `source`."""
    columns = [
        Column(_("Kengetal"), attrgetter("name")),
        Column(_("Waarde"), attrgetter("display_value"), numeric=True),
        Column(_("Peildatum"), lambda indicator: indicator.reference or _("onbekend")),
        record_column(_("Programma"), attrgetter("program"), user, text=attrgetter("name")),
        citation_column(user),
    ]
    return Table(name, caption, columns, indicators, empty=_("Geen kengetallen."))


def program_table(programs, user, *, name="programmas", caption):
    """Programs with kind, status, period and what they are part of; select `parent`, `source`."""
    columns = [
        Column(_("Programma"), attrgetter("name"), link=lambda program: program.get_absolute_url()),
        Column(_("Soort"), lambda program: program.get_kind_display()),
        Column(_("Status"), lambda program: program.get_status_display()),
        Column(_("Looptijd"), lambda program: period_label(program.start, program.end)),
        record_column(_("Onderdeel van"), attrgetter("parent"), user, text=attrgetter("name")),
        citation_column(user),
    ]
    return Table(name, caption, columns, programs, empty=_("Geen programma's."))


def actions_for(user):
    """Actions as `user` may read them, with what their tables show."""
    return Action.objects.visible_to(user).select_related("owner", "program", "source")


def commitment_list(request):
    """The public register: the API's filters as a shareable URL, counts per status."""
    user = request.user
    filterset = filters.CommitmentFilter(
        request.GET, queryset=commitments_for(user), request=request
    )
    filters.typed_when_many(filterset.form)
    valid = filterset.is_valid()
    commitments = filterset.qs if valid else Commitment.objects.none()
    if valid and not request.GET.get("ordering"):
        commitments = commitments.by_deadline()
    other_filters = request.GET.copy()
    for parameter in ("status", *filters.NOT_FILTERS):
        other_filters.pop(parameter, None)
    without_status = filters.CommitmentFilter(
        {key: value for key, value in request.GET.items() if key != "status"},
        queryset=commitments_for(user),
        request=request,
    )
    counts = without_status.qs.status_counts() if valid else {}
    table = commitment_table(commitments, user, caption=_("Toezeggingen en moties"))
    context = {
        "filterset": filterset,
        "active_filters": filters.active_filters(filterset, request),
        "status_counts": status_counts(counts),
        "query": request.GET.urlencode(),
        # The counts' links replace the status filter and keep the others.
        "status_query": other_filters.urlencode(),
    }
    return render_with_tables(
        request,
        "programs/commitment_list.html",
        context,
        [table],
        filename="toezeggingen",
        status=200 if valid else 400,
    )


def status_counts(counted):
    """[(status, label, count)] for every status, zeros included, in the vocabulary's order,
    from `{status: count}`."""
    return [(value, label, counted.get(value, 0)) for value, label in Commitment.Status.choices]


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

    columns = [
        Column(_("Nummer"), commitment_name, link=lambda c: c.get_absolute_url()),
        Column(_("Onderwerp"), attrgetter("title")),
        Column(_("Portefeuillehouder"), holder),
        Column(_("Termijn"), lambda c: c.deadline_label()),
        Column(_("Status"), lambda c: c.get_status_display()),
        Column(_("Termijn verstreken"), lambda c: _("ja") if c.is_overdue else _("nee")),
        Column(_("Afdoeningsvoorstel"), proposal),
    ]
    caption = _("Rappellijst per %(date)s") % {"date": date_format(day, "j F Y")}
    return Table("rappellijst", caption, columns, commitments, empty=_("Niets te rappelleren."))


def reminder_list(request):
    """The rappellijst for a committee meeting: what is due by its date, and what awaits a decision.

    `?vergadering=<slug>` takes the meeting's date, `?datum=JJJJ-MM-DD` any date (default
    today); `?tabel=rappellijst&format=csv` or `xlsx` downloads the same rows, and so does the
    older `?format=csv` without a table.
    """
    user = request.user
    form = filters.typed_when_many(
        ReminderListForm(request.GET, meetings=Meeting.objects.visible_to(user))
    )
    if not form.is_valid():
        context = {"form": form}
        return render_with_tables(
            request, "programs/reminder_list.html", context, [], filename="rappellijst", status=400
        )
    day = form.day()
    pending = Settlement.objects.visible_to(user).pending()
    commitments = commitments_for(user).reminder_list(day, pending)
    context = {"form": form, "day": day, "meeting": form.cleaned_data["vergadering"]}
    return render_with_tables(
        request,
        "programs/reminder_list.html",
        context,
        [reminder_table(commitments, day, user)],
        filename=f"rappellijst-{day.isoformat()}",
        default_table="rappellijst",
    )


def pending_settlement(commitment):
    return next(
        (s for s in commitment.settlements.all() if s.decision == Settlement.Decision.PENDING),
        None,
    )


def deadline_calendar(request):
    """`/termijnen.ics`: the deadlines of public commitments and actions, as iCalendar."""
    calendar = feeds.deadline_calendar(request)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="termijnen.ics"'
    return response


def theme_list(request):
    """`/themas`: every theme with how many programs, actions and commitments carry it."""
    user = request.user
    themes = Theme.objects.visible_to(user).annotate(
        program_count=count_of(Program.objects.visible_to(user), "themes"),
        action_count=count_of(Action.objects.visible_to(user), "themes"),
        commitment_count=count_of(Commitment.objects.visible_to(user), "themes"),
    )

    def filtered(url_name):
        return lambda theme: f"{reverse(url_name)}?{urlencode({'theme': theme.slug})}"

    columns = [
        Column(_("Thema"), attrgetter("name"), link=lambda theme: theme.get_absolute_url()),
        count_column(_("Programma's"), attrgetter("program_count")),
        count_column(_("Acties"), attrgetter("action_count"), link=filtered("action-list")),
        count_column(
            _("Toezeggingen en moties"),
            attrgetter("commitment_count"),
            link=filtered("commitment-list"),
        ),
    ]
    table = Table(
        "themas", _("Thema's, met wat erbij hoort"), columns, themes, empty=_("Geen thema's.")
    )
    return render_with_tables(request, "programs/theme_list.html", {}, [table], filename="themas")


#: The filters the list of actions shows as a form; the others work in the URL too.
ACTION_FORM_FIELDS = (
    "status",
    "theme",
    "owner",
    "program",
    "programLine",
    "organisation",
    "periodFrom",
    "periodUntil",
    "ordering",
)


def action_list(request):
    """`/acties`: every action, filtered by the API's filters in a shareable URL."""
    user = request.user
    filterset = filters.ActionFilter(request.GET, queryset=actions_for(user), request=request)
    # The form offers only what some action the reader may see carries.
    visible_actions = Action.objects.visible_to(user)
    for name, model in (("theme", Theme), ("owner", Organisation), ("program", Program)):
        filterset.form.fields[name].queryset = (
            model.objects.visible_to(user).filter(actions__in=visible_actions).distinct()
        )
    filters.typed_when_many(filterset.form, ACTION_FORM_FIELDS)
    valid = filterset.is_valid()
    actions = filterset.qs if valid else Action.objects.none()
    return render_with_tables(
        request,
        "programs/action_list.html",
        filters.filter_form(filterset, request, ACTION_FORM_FIELDS),
        [action_table(actions, user, caption=_("Acties"))],
        filename="acties",
        status=200 if valid else 400,
    )


def action_detail(request, slug):
    """An action: who carries it out, in which program, for which commitments, from which source."""
    user = request.user
    action = get_object_or_404(actions_for(user), slug=slug)
    commitments = (
        action.commitments.visible_to(user).with_flags().select_related("source").by_deadline()
    )
    table = commitment_table(
        commitments, user, caption=_("Toezeggingen en moties die deze actie uitvoert")
    )
    context = {
        "action": action,
        "citation": action.citation_for(user),
        "owner": visible_or_none(action.owner, user),
        "program": visible_or_none(action.program, user),
        "themes": action.themes.visible_to(user),
    }
    return render_with_tables(
        request, "programs/action_detail.html", context, [table], filename=f"actie-{slug}"
    )
