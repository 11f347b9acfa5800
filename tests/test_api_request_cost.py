"""What an API read does not do: build its query twice, build a filter form nobody asked for,
build its serializers' fields from the model again, walk every value to camelCase its keys, or
leave the process's long-lived objects to the garbage collector during requests."""

import gc
import importlib
import json

import pytest
from django_filters import FilterSet
from djangorestframework_camel_case.render import CamelCaseJSONRenderer as LibraryRenderer
from rest_framework.serializers import ModelSerializer

from limburg_maak.renderers import CamelCaseJSONRenderer
from programs.views import CommitmentViewSet

from . import factories

COMMITMENTS = "/api/v1/commitments"


@pytest.fixture
def commitments(db):
    return factories.CommitmentFactory.create_batch(2)


@pytest.fixture
def filter_forms_built(monkeypatch):
    """How many filter forms (FilterSet instances) the API built."""
    built = []
    original = FilterSet.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(FilterSet, "__init__", counting)
    return built


@pytest.mark.parametrize("client_name", ["api", "staff_api"])
def test_a_read_builds_the_list_query_once(commitments, request, monkeypatch, client_name):
    """DRF's model permissions asked the view for its queryset to learn its model, for a read
    that needs no permission: the register's query was built twice per request."""
    calls = []
    original = CommitmentViewSet.get_queryset

    def counting(self):
        calls.append(self.request.method)
        return original(self)

    monkeypatch.setattr(CommitmentViewSet, "get_queryset", counting)
    client = request.getfixturevalue(client_name)

    assert client.get(COMMITMENTS).status_code == 200
    assert calls == ["GET"]


def test_a_write_still_needs_the_models_permission(commitments, api, django_user_model):
    reader = django_user_model.objects.create_user("lezer")
    api.force_authenticate(reader)

    response = api.post(COMMITMENTS, {"kind": "toezegging", "number": "1", "title": "T"})

    assert response.status_code == 403


def test_a_read_without_filters_builds_no_filter_form(commitments, api, filter_forms_built):
    public_id = commitments[0].public_id

    assert api.get(COMMITMENTS).status_code == 200
    assert api.get(COMMITMENTS, {"page": 1, "pageSize": 5}).status_code == 200
    assert api.get(f"{COMMITMENTS}/{public_id}").status_code == 200
    assert filter_forms_built == []


def test_a_read_with_a_filter_is_filtered_and_checked(commitments, api, filter_forms_built):
    fulfilled = factories.CommitmentFactory(status="voldaan")

    response = api.get(COMMITMENTS, {"status": "voldaan"})
    assert [record["id"] for record in response.json()["results"]] == [fulfilled.public_id]
    assert api.get(COMMITMENTS, {"status": "onbekend"}).status_code == 400
    assert filter_forms_built == ["CommitmentFilter", "CommitmentFilter"]


def test_the_production_app_keeps_its_startup_objects_out_of_garbage_collection():
    gc.unfreeze()
    importlib.reload(importlib.import_module("limburg_maak.wsgi"))

    assert gc.get_freeze_count() > 0


def test_serializer_fields_are_built_from_the_model_once(commitments, api, monkeypatch):
    """DRF read every model field's options again for each request's serializers."""
    built = []
    original = ModelSerializer.build_field

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ModelSerializer, "build_field", counting)
    api.get(COMMITMENTS)
    first = len(built)

    for _ in range(2):
        body = api.get(COMMITMENTS).json()

    assert len(built) == first
    assert {record["id"] for record in body["results"]} == {c.public_id for c in commitments}
    assert body["results"][0]["madeOn"]["label"] == "7 november 2014"


@pytest.mark.parametrize(
    "url",
    [COMMITMENTS, "/api/v1/programs", "/api/v1/budget-lines/totals", "/api/v1/changes"],
)
def test_the_json_renderer_writes_what_the_camel_case_library_wrote(memo, api, url):
    """Ours converts each key once per process and passes scalars by; the JSON is the same."""
    response = api.get(url)
    assert response.status_code == 200

    ours = CamelCaseJSONRenderer().render(response.data)
    library = LibraryRenderer().render(response.data)

    assert json.loads(ours) == json.loads(library)
    assert ours == library
