"""Shared API plumbing: pagination, problem+json errors and the API-Version header."""

import json

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import permission_denied as django_permission_denied
from django.views.defaults import server_error as django_server_error
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageLink, PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler

from .renderers import camel

PROBLEM_JSON = "application/problem+json"
# A problem's title per status, in the API's one language (Dutch), whatever the client asks.
TITLES = {
    301: "Verplaatst",
    400: "Ongeldige invoer",
    401: "Niet aangemeld",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Formaat niet beschikbaar",
    409: "Conflict",
    412: "Versie gewijzigd",
    413: "Verzoek te groot",
    415: "Formaat van het verzoek niet ondersteund",
    428: "Versie ontbreekt",
    429: "Te veel verzoeken",
    500: "Interne fout",
    503: "Dienst tijdelijk niet beschikbaar",
}


def title_of(status):
    """The problem title for `status`: Dutch, by the status's class when not listed."""
    if status in TITLES:
        return TITLES[status]
    return "Verplaatst" if status < 400 else "Ongeldig verzoek" if status < 500 else "Interne fout"


# Renderer formats that write a problem as it is: JSON, and the browsable API for people.
JSON_FORMATS = ("json", "api")


class Pagination(PageNumberPagination):
    """`page` and `pageSize` (at most 100); a malformed value is a 400, not a silent default.

    A page never counts the whole list: it reads one record more than it shows to know whether
    a next page exists, counts exactly up to `exact_count_limit` records, and beyond that gives
    PostgreSQL's estimate (`countIsExact: false`), so that the cost of a page does not grow with
    the table.
    """

    page_size = 20
    page_size_query_param = "pageSize"
    max_page_size = 100
    # Far past any list's end (a page past the end is a 404), and small enough that the rows
    # to skip fit the database's integer: page 99999999999999999999 was a 500.
    max_page_number = 1_000_000
    exact_count_limit = 10_000

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        self.number = self.get_page_number(request, None)
        offset = (self.number - 1) * size
        rows = page_of(queryset, offset, offset + size + 1)
        self.has_next = len(rows) > size
        del rows[size:]
        if not rows and self.number > 1:
            raise NotFound(self.invalid_page_message)
        self.count, self.count_is_exact = self.count_of(queryset, offset + len(rows))
        self.display_page_controls = self.has_next or self.number > 1
        return rows

    def count_of(self, queryset, seen):
        """(count, exact) of the list whose pages up to this one hold `seen` records."""
        if not self.has_next:
            return seen, True
        # Counted by their keys: computed columns (the commitments' flags) make no more rows.
        keys = queryset.order_by().values("pk")
        if seen < self.exact_count_limit:
            bounded = keys[: self.exact_count_limit + 1].count()
            if bounded <= self.exact_count_limit:
                return bounded, True
        at_least = max(seen, self.exact_count_limit) + 1
        return max(estimated_count(keys) or 0, at_least), False

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_is_exact": self.count_is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "count_is_exact", "next", "previous", "results"]
        response["properties"]["count"]["description"] = (
            f"Het aantal records van de lijst: exact tot {self.exact_count_limit}, daarboven "
            "een schatting (zie `countIsExact`), nooit minder dan de records tot en met deze "
            "pagina plus één. Blader met `next`, niet met dit aantal."
        )
        response["properties"]["count_is_exact"] = {
            "type": "boolean",
            "description": "`false` als `count` een schatting is.",
            "example": True,
        }
        return response

    def get_next_link(self):
        if not self.has_next:
            return None
        return self.page_link(self.number + 1)

    def get_previous_link(self):
        if self.number == 1:
            return None
        return self.page_link(self.number - 1)

    def page_link(self, number):
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_html_context(self):
        # Without an exact count the browsable API steps back and forth from this page only.
        return {
            "previous_url": self.get_previous_link(),
            "next_url": self.get_next_link(),
            "page_links": [PageLink(self.page_link(self.number), self.number, True, False)],
        }

    def get_page_number(self, request, paginator):
        return self._positive_int(
            request,
            self.page_query_param,
            default=1,
            maximum=self.max_page_number,
            too_large=f"Geef een paginanummer tot en met {self.max_page_number}.",
        )

    def get_page_size(self, request):
        return self._positive_int(
            request,
            self.page_size_query_param,
            default=self.page_size,
            maximum=self.max_page_size,
            too_large=f"Hoogstens {self.max_page_size} per pagina.",
        )

    def check(self, request):
        """Refuse a malformed `page` or `pageSize` where no page is cut (a CSV list is whole)."""
        self.get_page_number(request, None)
        self.get_page_size(request)

    @staticmethod
    def _positive_int(request, name, default, maximum, too_large):
        raw = request.query_params.get(name)
        if raw is None:
            return default
        if not (raw.isascii() and raw.isdigit()) or not raw.strip("0"):
            raise ValidationError({name: ["Geef een geheel getal van 1 of meer."]})
        # Compared as text first: Python refuses to read 4.300 digits and more as a number.
        digits = raw.lstrip("0")
        if len(digits) > len(str(maximum)) or int(digits) > maximum:
            raise ValidationError({name: [too_large]})
        return int(digits)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": self.max_page_number},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


def in_total_order(queryset):
    """`queryset` in its order (its own, else its model's), then by its key in the direction
    of the last key before it: records that sort alike (PM lines without an amount under
    `-amount`) keep one order from page to page, so paging through a list neither repeats nor
    skips one. Each offered order has an index on (its column, id)."""
    query = queryset.query
    ordering = list(
        query.order_by or (queryset.model._meta.ordering if query.default_ordering else ())
    )
    last = ordering[-1] if ordering else None
    if isinstance(last, str):
        if last.lstrip("-") in ("pk", queryset.model._meta.pk.name):
            return queryset
        descending = last.startswith("-")
    else:  # an expression (`F("deadline_date").asc(nulls_last=True)`), or no order at all
        descending = getattr(last, "descending", False)
    return queryset.order_by(*ordering, "-pk" if descending else "pk")


def page_of(queryset, start, stop):
    """The records `start` to `stop` of `queryset` (`in_total_order`), in one query.

    Past the first page the keys are picked first (`pk IN (the slice's keys)`): the database
    then skips the earlier records by their keys alone, instead of computing every skipped
    record's columns and related lists, which made deep pages of a large list slow. A
    DISTINCT list would select its ordering columns too, so it is sliced as it is.
    """
    queryset = in_total_order(queryset)
    if not start or queryset.query.distinct:
        return list(queryset[start:stop])
    keys = queryset.values("pk")[start:stop]
    return list(queryset.filter(pk__in=keys))


def estimated_count(queryset):
    """PostgreSQL's planner estimate of the rows of `queryset` (no rows read); None elsewhere."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().explain(format="json"))
    return plan[0]["Plan"]["Plan Rows"]


def _invalid_params(detail, prefix=""):
    """Flatten DRF's nested error detail into ADR `invalidParams` entries."""
    if isinstance(detail, dict):
        for name, value in detail.items():
            name = camel(name)
            yield from _invalid_params(value, f"{prefix}.{name}" if prefix else name)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            for item in detail:
                yield {
                    "name": prefix or "nonFieldErrors",
                    "code": getattr(item, "code", "invalid"),
                    "reason": str(item),
                }
        else:
            for index, item in enumerate(detail):
                yield from _invalid_params(item, f"{prefix}.{index}")
    else:
        yield {
            "name": prefix or "nonFieldErrors",
            "code": getattr(detail, "code", "invalid"),
            "reason": str(detail),
        }


def problem(request, status, title, detail, **extra):
    """An RFC 9457 problem details body."""
    return {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.get_full_path(),
        **extra,
    }


def problem_exception_handler(exc, context):
    """DRF errors as problem details (`application/problem+json`), every invalid field listed."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    request, status = context["request"], response.status_code
    title = title_of(status)
    if isinstance(exc, QueryParameterError):
        # Named as the client sent them: a misspelt `page_size` is not `pageSize`.
        invalid = [
            {"name": name, "code": exc.code, "reason": reason}
            for name, reason in exc.reasons.items()
        ]
        response.data = problem(request, status, title, exc.summary, invalidParams=invalid)
    elif isinstance(exc, ValidationError):
        detail = "Een of meer parameters of velden zijn ongeldig."
        response.data = problem(
            request, status, title, detail, invalidParams=list(_invalid_params(exc.detail))
        )
    else:
        response.data = problem(request, status, title, str(getattr(exc, "detail", title)))
    response.content_type = PROBLEM_JSON
    if getattr(exc, "location", None):
        # A record that moved (`programs.views.Moved`): where it is now.
        response["Location"] = exc.location
    if getattr(getattr(request, "accepted_renderer", None), "format", None) not in JSON_FORMATS:
        # A CSV (or other) request that fails still gets its problem as JSON, also when it
        # failed before its format was chosen (an unknown query parameter).
        request.accepted_renderer = api_settings.DEFAULT_RENDERER_CLASSES[0]()
        request.accepted_media_type = PROBLEM_JSON
    return response


def api_problem(request, status, title, detail):
    """A problem+json response for plain Django views under /api/ (outside DRF)."""
    body = problem(request, status, title, detail)
    response = JsonResponse(body, status=status, content_type=PROBLEM_JSON)
    # Also when a middleware above ApiVersionMiddleware refused the request (an unknown host).
    response["API-Version"] = settings.API_VERSION
    return response


def bad_request(request, exception=None):
    """Django's own 400 (an unknown host, a malformed request): problem+json under /api/."""
    if not request.path.startswith("/api/"):
        return django_bad_request(request, exception)
    return api_problem(request, 400, title_of(400), "Dit verzoek kan niet worden gelezen.")


def permission_denied(request, exception=None):
    """Django's own 403: problem+json under /api/."""
    if not request.path.startswith("/api/"):
        return django_permission_denied(request, exception)
    return api_problem(request, 403, title_of(403), "U mag dit niet.")


def not_found(request, exception=None):
    """Django's own 404: problem+json under /api/ (a trailing slash, an unknown resource)."""
    if not request.path.startswith("/api/"):
        return page_not_found(request, exception)
    detail = "Deze URL bestaat niet in de API. Paden eindigen zonder schuine streep."
    return api_problem(request, 404, title_of(404), detail)


def server_error(request):
    """Django's own 500: problem+json under /api/."""
    if not request.path.startswith("/api/"):
        return django_server_error(request)
    detail = "Er ging iets mis aan onze kant; de fout is gelogd."
    return api_problem(request, 500, title_of(500), detail)


class ApiVersionMiddleware:
    """Every response under /api/ says which API version answered (ADR /core/version-header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSION
        return response


class QueryParameterError(ValidationError):
    """A query that names a parameter the operation does not have, or names one twice."""

    def __init__(self, reasons, summary, code):
        super().__init__({name: [reason] for name, reason in reasons.items()}, code=code)
        self.reasons, self.summary, self.code = reasons, summary, code


def csv_formats(view):
    """The `format` values a GET of `view` offers, when it offers CSV beside another format
    (the `format` parameter the document declares); else none."""
    formats = [renderer.format for renderer in view.get_renderers()]
    return formats if "csv" in formats and len(formats) > 1 else []


def known_query_parameters(view, request):
    """The query parameters the OpenAPI document declares for this operation of `view`.

    A GET of a list (and of a collection action that filters, like `totals`) takes its
    filterset's filters, `search` where the view searches, and `page`/`pageSize` where it
    pages; a GET that renders CSV beside JSON takes `format`; a view declares any others
    in `query_parameters`. Details and writes take none. `tests/test_api_query_parameters.py`
    checks that this is what the document says, operation by operation.
    """
    names = set(getattr(view, "query_parameters", ()))
    if request.method not in ("GET", "HEAD"):
        return names
    if csv_formats(view):
        names.add(api_settings.URL_FORMAT_OVERRIDE)
    if getattr(view, "detail", False):
        return names
    if getattr(view, "filter_backends", None):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            names |= set(filterset_class.base_filters)
        if getattr(view, "search_fields", None):
            names.add(api_settings.SEARCH_PARAM)
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        names |= {paginator.page_query_param, paginator.page_size_query_param}
    return names


def check_query_parameters(view, request):
    """400 for a query parameter the operation does not declare (naming every known one), or
    for one sent more than once: nothing is silently ignored, no value silently wins."""
    known = known_query_parameters(view, request)
    sent = request.query_params
    unknown = [name for name in sent if name not in known]
    if unknown:
        listed = ", ".join(sorted(known)) or "geen"
        reason = f"Onbekende parameter. Deze operatie kent: {listed}."
        raise QueryParameterError(
            dict.fromkeys(unknown, reason),
            f"Onbekende parameter(s): {', '.join(unknown)}. Bekend zijn: {listed}.",
            "unknown_parameter",
        )
    repeated = [name for name in sent if len(sent.getlist(name)) > 1]
    if repeated:
        reason = "Geef deze parameter één keer; meerdere waarden scheidt u met komma's."
        raise QueryParameterError(
            dict.fromkeys(repeated, reason),
            f"Parameter(s) meer dan eens gegeven: {', '.join(repeated)}.",
            "repeated_parameter",
        )


class StrictQueryMixin:
    """For API views: refuse unknown and repeated query parameters before anything else."""

    def initial(self, request, *args, **kwargs):
        # A method the view does not have stays a 405, whatever its query.
        if hasattr(self, request.method.lower()):
            check_query_parameters(self, request)
        super().initial(request, *args, **kwargs)
