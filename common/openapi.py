"""The OpenAPI document: what each operation renders, and what every operation shares.

`AutoSchema` adds what a CSV-capable GET offers. The hook `adr_conformance` writes what the
Dutch API Design Rules (ADR) ask of every operation: each success response declares the
`API-Version` header and each error response is problem details (RFC 9457). The middleware
and the exception handler in `common.api` do that for every request; the hook says so
in the document, so the document and the behaviour cannot drift apart per view.
"""

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .api import PROBLEM_JSON


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


VERSION_HEADER = {
    "description": "De volledige versie van de API die antwoordde (semver).",
    "schema": {"type": "string", "example": settings.API_VERSION},
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Probleemdetails volgens RFC 9457.",
    "properties": {
        "type": {"type": "string", "format": "uri-reference", "example": "about:blank"},
        "title": {"type": "string", "example": "Ongeldige invoer"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "example": 400},
        "detail": {"type": "string"},
        "instance": {"type": "string", "format": "uri-reference"},
        "invalidParams": {
            "type": "array",
            "description": "Bij 400: elk ongeldig veld of parameter, met de reden.",
            "items": {"$ref": "#/components/schemas/InvalidParam"},
        },
    },
    "required": ["type", "title", "status", "detail", "instance"],
}

INVALID_PARAM_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "example": "status"},
        "code": {"type": "string", "example": "invalid_choice"},
        "reason": {"type": "string"},
    },
    "required": ["name", "code", "reason"],
}

# Status code -> description, and which operations can answer it.
ERRORS = {
    "400": "Ongeldige parameters of velden; `invalidParams` noemt ze.",
    "401": "Geen of een onbekende API-sleutel.",
    "403": "Deze rol mag dit niet.",
    "404": "Bestaat niet, of is niet openbaar.",
    "406": "Het gevraagde formaat (Accept) wordt niet geleverd.",
    "412": "If-Match noemt niet de opgeslagen versie: iemand anders wijzigde het record.",
    "413": "Het verzoek is te groot.",
    "415": "Het formaat van het verzoek wordt niet gelezen; stuur application/json.",
    "428": "If-Match ontbreekt.",
    "429": "Te veel verzoeken; probeer het na Retry-After seconden opnieuw.",
    "500": "Interne fout; de fout is gelogd.",
}
WRITES = {"post", "put", "patch", "delete"}
WITH_BODY = {"post", "put", "patch"}
VERSIONED = {"put", "patch", "delete"}


def _error_codes(path, method):
    # Any request may carry an unknown or revoked API key: 401.
    codes = {"400", "401", "406", "429", "500"}
    if "{" in path or method == "get":
        codes.add("404")  # an unknown record, or a page past the last
    if method in WRITES:
        codes.add("403")
    if method in WITH_BODY:
        codes |= {"413", "415"}
    if method in VERSIONED:
        codes |= {"412", "428"}
    return codes


# The API key (`Authorization: Bearer <key>`); sessions are for people in the browsable API.
KEY_SCHEME = "apiToken"


def ordering_as_text(parameter):
    """`ordering` as one comma-separated value (`-name,start`), its fields listed in a
    pattern: a client then sends it once, as the server reads it (a repeat is a 400)."""
    schema = parameter["schema"]
    if schema.get("type") != "array":
        return
    fields = sorted({value.lstrip("-") for value in schema["items"]["enum"]})
    one = f"-?(?:{'|'.join(fields)})"
    parameter["schema"] = {"type": "string", "pattern": f"^{one}(?:,{one})*$"}
    parameter.pop("style", None)
    parameter.pop("explode", None)
    parameter["description"] = (
        "Sorteer op een of meer velden, gescheiden door komma's; `-` ervoor sorteert "
        f"aflopend (`-{fields[0]}`). Velden: {', '.join(f'`{field}`' for field in fields)}."
    )


def _add_common_responses(path, method, operation):
    # Reads need no key (a key only adds what its role may read); writes need one.
    operation["security"] = [{}, {KEY_SCHEME: []}] if method == "get" else [{KEY_SCHEME: []}]
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query":
            # As from an HTML form: `?status=` means no filter on status.
            parameter["allowEmptyValue"] = True
            if parameter["name"] == "ordering":
                ordering_as_text(parameter)
    responses = operation.setdefault("responses", {})
    for code, response in responses.items():
        if code[0] in "23":
            headers = response.setdefault("headers", {})
            headers["API-Version"] = {"$ref": "#/components/headers/API-Version"}
    if method == "get":
        responses.setdefault(
            "304",
            {
                "description": "Niet gewijzigd sinds de ETag in If-None-Match.",
                "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
            },
        )
    for code in sorted(_error_codes(path, method)):
        responses.setdefault(code, {"$ref": f"#/components/responses/Problem{code}"})


def adr_conformance(result, generator, request, public):
    """drf-spectacular postprocessing hook: version header and problem responses everywhere."""
    components = result.setdefault("components", {})
    components.setdefault("headers", {})["API-Version"] = VERSION_HEADER
    # Only the key is declared: the session cookie is the browsable API's, not a client's.
    schemes = components.setdefault("securitySchemes", {})
    for name in list(schemes):
        if name != KEY_SCHEME:
            del schemes[name]
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["InvalidParam"] = INVALID_PARAM_SCHEMA
    components["responses"] = {
        f"Problem{code}": {
            "description": description,
            "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code, description in ERRORS.items()
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                _add_common_responses(path, method, operation)
    return result
