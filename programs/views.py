"""The API (`/api/v1/`) of policy records, as far as `visible_to` allows: lists, details and
writes with an ETag check and a reason. Their pages are in `website`."""

import hashlib
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from common.api import StrictQueryMixin, in_total_order
from common.csv_export import CSVRenderer, csv_response, serializer_table

from . import filters, serializers
from .models import (
    Action,
    Commitment,
    CommitmentRelation,
    DeadlineChange,
    Document,
    Indicator,
    Organisation,
    Person,
    Program,
    Settlement,
    StaleRecord,
    Theme,
    change_reason_limit,
)


def commitments_for(user, link_lists=False):
    """Commitments as `user` may read them on their pages and in the API (the register's list
    reads `register_rows_for`): flags computed, histories prefetched, and the links
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


def register_rows_for(user):
    """The register's rows as `user` may read them, with what its table shows
    (`tables.commitment_table`): the flags and the source each cites. None of the links and
    histories `commitments_for` prefetches: a page of fifty rows paid seven queries and a
    related manager per row and relation for them."""
    return Commitment.objects.visible_to(user).with_flags().select_related("source")


def reminder_rows_for(user):
    """The rappellijst's rows: the register's, with who made each one and the settlements
    (`tables.reminder_table` shows the one proposed)."""
    settlements = visible_prefetch("settlements", Settlement, user)
    return register_rows_for(user).select_related("made_by").prefetch_related(settlements)


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


class Moved(APIException):
    """A former address of a record (an old slug or id) or its uuid: where the record is now.
    301 for a read; 308 for a write, which a client repeats at the new address unchanged."""

    def __init__(self, location, method):
        self.status_code = 301 if method in SAFE_METHODS else 308
        self.location = location
        super().__init__(f"Dit record staat nu op {location}; gebruik voortaan dat adres.")


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
    # Empty is no entity tag: the server answers it as a missing If-Match (428).
    {"type": "string", "minLength": 1},
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
class RecordViewSet(StrictQueryMixin, viewsets.ModelViewSet):
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

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            self.moved(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
            raise

    def moved(self, address):
        """Raise `Moved` when `address` is a former address or the uuid of a record the reader
        may see."""
        record = self.get_queryset().formerly_at(address)
        if record is None:
            return
        current = getattr(record, "public_id", None) or record.slug
        if current == address:
            # There, but not found for another reason (a filter in the query).
            return
        kwarg = self.lookup_url_kwarg or self.lookup_field
        location = self.reverse_action("detail", kwargs={kwarg: current})
        raise Moved(location, self.request.method)

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
        serializer = self.get_serializer(
            record, data=request.data, partial=kwargs.get("partial", False)
        )
        # An invalid body is a 400 whatever If-Match says: the version only decides
        # whether a valid change may be written.
        serializer.is_valid(raise_exception=True)
        self.check_preconditions(record)
        try:
            # The UPDATE itself tests the version If-Match named: of two writers, one wins.
            saved(serializer)
        except StaleRecord:
            raise PreconditionFailed from None
        # Read back as a reader would: computed flags and related lists as they are now; by
        # key, for a write may have changed the record's address.
        record = self.get_queryset().get(pk=record.pk)
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
    # Every id the API gives out: a kind or a document's slug and a number or position, each
    # a slug (`motie-615`, `motie-12B`); `get_by_public_id` tells which exist. Always two
    # parts or more, so that the list's own paths (`datapackage.csv`) are no record's.
    lookup_value_regex = "[a-zA-Z0-9_]+(?:-[a-zA-Z0-9_]+)+"

    def get_object(self):
        try:
            record = self.filter_queryset(self.get_queryset()).get_by_public_id(self.kwargs["id"])
        except self.model.DoesNotExist:
            self.moved(self.kwargs["id"])
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
