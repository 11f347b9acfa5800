"""The OpenAPI schema class: what each operation renders, CSV included."""

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus what a CSV-capable GET offers: `text/csv` beside the
    JSON (a list's CSV is the whole list, not a page) and the `format` query parameter."""

    def _formats(self):
        return self.map_renderers("format") if self.method == "GET" else []

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        formats = self._formats()
        if "csv" not in formats or len(formats) < 2:
            return parameters
        chosen = OpenApiParameter(
            "format",
            str,
            enum=formats,
            description="Het formaat van het antwoord; hetzelfde als de Accept-header "
            "(`text/csv` voor CSV).",
        )
        return [*parameters, chosen]

    def get_response_serializers(self):
        serializer = super().get_response_serializers()
        if getattr(self.view, "action", None) == "list" and "csv" in self._formats():
            return {(200, "application/json"): serializer, (200, "text/csv"): OpenApiTypes.STR}
        return serializer
