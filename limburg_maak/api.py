"""Shared API plumbing: pagination, problem+json errors and the API-Version header."""

from django.conf import settings
from django.http import JsonResponse
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler

PROBLEM_JSON = "application/problem+json"


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "pageSize"
    max_page_size = 100


def _invalid_params(detail, prefix=""):
    """Flatten DRF's nested error detail into ADR `invalidParams` entries."""
    if isinstance(detail, dict):
        for name, value in detail.items():
            yield from _invalid_params(value, f"{prefix}.{name}" if prefix else str(name))
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


def problem_exception_handler(exc, context):
    """DRF errors as RFC 9457 problem details (`application/problem+json`)."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    problem = {
        "type": "about:blank",
        "title": response.status_text,
        "status": response.status_code,
        "instance": context["request"].get_full_path(),
    }
    if isinstance(exc, ValidationError):
        problem["detail"] = "Een of meer parameters of velden zijn ongeldig."
        problem["invalidParams"] = list(_invalid_params(exc.detail))
    else:
        problem["detail"] = str(getattr(exc, "detail", response.status_text))
    response.data = problem
    response.content_type = PROBLEM_JSON
    return response


class ApiVersionMiddleware:
    """Every response under /api/ says which API version answered (ADR /core/version-header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSION
        return response


def not_found(request, exception=None):
    """Django's own 404: problem+json under /api/ (a trailing slash, an unknown resource)."""
    if not request.path.startswith("/api/"):
        return page_not_found(request, exception)
    problem = {
        "type": "about:blank",
        "title": "Niet gevonden",
        "status": 404,
        "detail": "Deze URL bestaat niet in de API. Paden eindigen zonder schuine streep.",
        "instance": request.get_full_path(),
    }
    return JsonResponse(problem, status=404, content_type=PROBLEM_JSON)


def server_error(request):
    """Django's own 500: problem+json under /api/."""
    if not request.path.startswith("/api/"):
        return django_server_error(request)
    problem = {
        "type": "about:blank",
        "title": "Interne fout",
        "status": 500,
        "detail": "Er ging iets mis aan onze kant; de fout is gelogd.",
        "instance": request.get_full_path(),
    }
    return JsonResponse(problem, status=500, content_type=PROBLEM_JSON)
