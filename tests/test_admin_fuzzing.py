"""The admin's query parameters, fuzzed as Schemathesis fuzzes the API: never a 500.

Every registered model's changelist gets hostile values in each of its filters, its date
hierarchy, its search, its ordering and its page; every autocomplete field gets hostile
terms. A value the admin cannot use is a 400, a 404 or the admin's own "?e=1" redirect,
never a server error. Run on PostgreSQL too: that is where a NUL character fails.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from .admin_forms import admin_url, label

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "99999999999999999999",
    "9" * 5000,
    "-1",
    "99999",
    "0",
    "2024-13-45",
    "abc",
    "1e400",
    "x" * 5000,
    "é€💥",
    "",
]
# Parameters the changelist reads itself, besides those of its filters.
CHANGELIST_PARAMETERS = ["q", "o", "p", "all", "e", "_to_field", "onbekend__lookup"]

REGISTERED_MODELS = sorted(
    (model for model in apps.get_models() if admin.site.is_registered(model)), key=label
)


@pytest.fixture
def superuser_request(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    return request


def filter_parameters(model, request):
    """The query parameters of the changelist's filters and its date hierarchy."""
    model_admin = admin.site.get_model_admin(model)
    changelist = model_admin.get_changelist_instance(request)
    names = [name for spec in changelist.filter_specs for name in spec.expected_parameters()]
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return names


def autocomplete_fields(model, request):
    """(model, field name) of every autocomplete field of the model's form and its inlines."""
    model_admin = admin.site.get_model_admin(model)
    fields = [(model, name) for name in model_admin.get_autocomplete_fields(request)]
    for inline in model_admin.get_inline_instances(request):
        fields += [(inline.model, name) for name in inline.get_autocomplete_fields(request)]
    return fields


def assert_not_a_server_error(response, what):
    assert response.status_code < 500, what


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=label)
def test_hostile_changelist_parameters_are_never_a_server_error(
    memo, admin_client, superuser_request, model
):
    url = admin_url(model, "changelist")
    parameters = [*filter_parameters(model, superuser_request), *CHANGELIST_PARAMETERS]
    if model._meta.label == "programs.Program":  # the walk reaches filters and date hierarchy
        assert {"status__exact", "start_date__year"} <= set(parameters)
    for name in parameters:
        for value in HOSTILE_VALUES:
            response = admin_client.get(url, {name: value})
            assert_not_a_server_error(response, f"{url}?{name}={value[:20]!r}")
    # A NUL in a parameter's name, and every filter at once.
    assert_not_a_server_error(admin_client.get(url, {"q\x00": "x"}), "NUL in a name")
    everything = dict.fromkeys(parameters, "99999999999999999999")
    assert_not_a_server_error(admin_client.get(url, everything), "all parameters at once")


def test_hostile_autocomplete_terms_are_never_a_server_error(memo, admin_client, superuser_request):
    url = reverse("admin:autocomplete")
    fields = [
        field
        for model in REGISTERED_MODELS
        for field in autocomplete_fields(model, superuser_request)
    ]
    assert len(fields) > 20  # the walk reaches the forms' and the inlines' fields
    for source, field_name in fields:
        target = {
            "app_label": source._meta.app_label,
            "model_name": source._meta.model_name,
            "field_name": field_name,
        }
        assert admin_client.get(url, {**target, "term": "a"}).status_code == 200
        for value in HOSTILE_VALUES:
            for name in ("term", "page"):
                response = admin_client.get(url, {**target, name: value})
                assert_not_a_server_error(response, f"{target} {name}={value[:20]!r}")


def test_the_admin_urls_the_security_test_named_are_a_4xx(memo, admin_client):
    from programs.models import Program

    changelist = admin_url(Program, "changelist")
    autocomplete = reverse("admin:autocomplete")
    parent = {"app_label": "programs", "model_name": "program", "field_name": "parent"}
    # A NUL in a filter, a search or an autocomplete term (PostgreSQL refuses it in text).
    assert admin_client.get(changelist, {"status__exact": "\x00"}).status_code == 400
    assert admin_client.get(changelist, {"q": "a\x00"}).status_code == 400
    assert admin_client.get(autocomplete, {**parent, "term": "\x00"}).status_code == 400
    # A year past 9999, and one too large for a number: the admin's own "?e=1".
    for year in ("99999", "99999999999999999999"):
        response = admin_client.get(changelist, {"start_date__year": year})
        assert response.status_code == 302 and response["Location"].endswith("?e=1")
    # A version that is no number.
    program = Program.objects.first()
    assert admin_client.get(admin_url(Program, "history", program.pk) + "abc/").status_code == 404
    # An export with a parameter the list does not know.
    assert admin_client.get(admin_url(Program, "export"), {"x": "1"}).status_code == 400
    # An autocomplete for a model or field that does not exist or has none.
    for query in (
        {**parent, "app_label": "programs\x00"},
        {**parent, "model_name": "onbekend"},
        {**parent, "field_name": "onbekend"},
        {},
    ):
        assert 400 <= admin_client.get(autocomplete, {**query, "term": "a"}).status_code < 500
