"""Read API (`/api/v1/`) and public pages for policy records, as far as `visible_to` allows."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from . import filters, serializers
from .models import (
    Action,
    Commitment,
    Document,
    Indicator,
    Organisation,
    Person,
    Program,
    ProgramOrganisation,
    Theme,
)


def visible_prefetch(lookup, model, user, *select_related):
    """Prefetch related records, keeping only those `user` may see."""
    queryset = model.objects.visible_to(user)
    if select_related:
        queryset = queryset.select_related(*select_related)
    return Prefetch(lookup, queryset=queryset)


class PublicReadViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail by slug, published records only for anonymous readers."""

    lookup_field = "slug"
    model = None

    def visible(self):
        return self.model.objects.visible_to(self.request.user)


class DocumentViewSet(PublicReadViewSet):
    model = Document
    serializer_class = serializers.DocumentSerializer
    filterset_class = filters.DocumentFilter
    search_fields = ["title", "summary", "reference"]

    def get_queryset(self):
        return self.visible().select_related("issuer")


class ThemeViewSet(PublicReadViewSet):
    model = Theme
    serializer_class = serializers.ThemeSerializer
    filterset_class = filters.ThemeFilter
    search_fields = ["name", "description"]

    def get_queryset(self):
        return self.visible()


class OrganisationViewSet(PublicReadViewSet):
    model = Organisation
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    search_fields = ["name", "abbreviation", "place", "description"]

    def get_queryset(self):
        return self.visible().select_related("parent", "source")


class ProgramViewSet(PublicReadViewSet):
    model = Program
    serializer_class = serializers.ProgramSerializer
    filterset_class = filters.ProgramFilter
    search_fields = ["name", "description"]

    def get_queryset(self):
        user = self.request.user
        return (
            self.visible()
            .select_related("parent", "program_line__budget_program", "source")
            .prefetch_related(
                visible_prefetch("themes", Theme, user),
                visible_prefetch("roles", ProgramOrganisation, user, "organisation"),
            )
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
    return extend_schema_view(
        retrieve=extend_schema(
            parameters=[
                OpenApiParameter(
                    "id", str, OpenApiParameter.PATH, description=f"Bijvoorbeeld `{example}`."
                )
            ]
        )
    )


@public_id_parameter("toezegging-1886")
class CommitmentViewSet(PublicIdLookupMixin, PublicReadViewSet):
    model = Commitment
    serializer_class = serializers.CommitmentSerializer
    filterset_class = filters.CommitmentFilter
    search_fields = ["number", "title", "text", "meeting", "fulfilment"]

    def get_queryset(self):
        user = self.request.user
        return (
            self.visible()
            .select_related("made_by", "fulfilled_by", "source")
            .prefetch_related(
                visible_prefetch("submitters", Person, user),
                visible_prefetch("themes", Theme, user),
                visible_prefetch("programs", Program, user),
            )
        )


class ActionViewSet(PublicReadViewSet):
    model = Action
    serializer_class = serializers.ActionSerializer
    filterset_class = filters.ActionFilter
    search_fields = ["title", "description"]

    def get_queryset(self):
        user = self.request.user
        return (
            self.visible()
            .select_related("owner", "program", "source")
            .prefetch_related(
                visible_prefetch("themes", Theme, user),
                visible_prefetch("commitments", Commitment, user),
            )
        )


class IndicatorViewSet(PublicReadViewSet):
    model = Indicator
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    search_fields = ["name", "sector"]

    def get_queryset(self):
        return (
            self.visible()
            .select_related("program", "source")
            .prefetch_related(visible_prefetch("themes", Theme, self.request.user))
        )


# Public pages


def commitment_list(request):
    commitments = (
        Commitment.objects.visible_to(request.user)
        .select_related("fulfilled_by")
        .order_by("kind", "number")
    )
    return render(request, "programs/commitment_list.html", {"commitments": commitments})


def commitment_detail(request, public_id):
    user = request.user
    queryset = Commitment.objects.visible_to(user).select_related(
        "made_by", "fulfilled_by", "source"
    )
    try:
        commitment = queryset.get_by_public_id(public_id)
    except Commitment.DoesNotExist:
        raise Http404 from None
    context = {
        "commitment": commitment,
        "citation": commitment.citation_for(user),
        "submitters": commitment.submitters.visible_to(user),
        "programs": commitment.programs.visible_to(user),
        "actions": commitment.actions.visible_to(user).select_related("owner"),
        "themes": commitment.themes.visible_to(user),
    }
    return render(request, "programs/commitment_detail.html", context)
