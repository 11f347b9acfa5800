"""What an API read does not do: build its query twice, build a filter form nobody asked for
or form fields for filters it did not name, build its serializers' fields from the model again
or walk them again for every record, write the same period label anew, walk every value to
camelCase its keys, or leave the process's long-lived objects to the garbage collector during
requests."""

import datetime
import gc
import importlib
import json

import pytest
from django.utils import timezone, translation
from django_filters import FilterSet
from djangorestframework_camel_case.render import CamelCaseJSONRenderer as LibraryRenderer
from rest_framework.fields import Field
from rest_framework.serializers import BaseSerializer, ModelSerializer
from rest_framework.utils.serializer_helpers import BindingDict

from limburg_maak.renderers import CamelCaseJSONRenderer
from programs import fuzzydates
from programs.fuzzydates import FuzzyDate
from programs.views import CommitmentViewSet, RecordViewSet, public_records

from . import factories

COMMITMENTS = "/api/v1/commitments"


def public_viewsets():
    """Every API viewset whose records readers list, its subclasses included."""
    found, todo = [], [RecordViewSet]
    while todo:
        viewset = todo.pop()
        todo += viewset.__subclasses__()
        found += [viewset] if viewset.model else []
    return found


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


def test_public_reads_build_their_query_once_per_day(commitments, api, staff_api, monkeypatch):
    """Every reader who may not read concepts gets the same query: built once, not per request."""
    built = []
    original = CommitmentViewSet.records_for

    def counting(self, user):
        built.append(user.is_staff)
        return original(self, user)

    monkeypatch.setattr(CommitmentViewSet, "records_for", counting)
    today = datetime.date(2030, 6, 1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    concept = factories.CommitmentFactory(publication_status="concept", deadline="2030-06-02")

    for _ in range(3):
        assert concept.public_id not in api.get(COMMITMENTS).content.decode()
    assert built == [False]
    for _ in range(2):
        assert concept.public_id in staff_api.get(COMMITMENTS).content.decode()
    assert built == [False, True, True]

    concept.publication_status = "published"
    concept._change_reason = "Gepubliceerd"
    concept.save()
    assert api.get(COMMITMENTS, {"overdue": "true"}).json()["results"] == []
    today = datetime.date(2030, 6, 3)
    (record,) = api.get(COMMITMENTS, {"overdue": "true"}).json()["results"]
    assert record["id"] == concept.public_id
    assert built == [False, True, True, False]


def test_a_setting_the_query_reads_applies_to_public_reads_at_once(db, api, settings):
    in_eight_days = timezone.localdate() + datetime.timedelta(days=8)
    soon = factories.CommitmentFactory(deadline=in_eight_days.isoformat())
    settings.COMMITMENT_DUE_SOON_DAYS = 5
    assert api.get(f"{COMMITMENTS}/{soon.public_id}").json()["isDueSoon"] is False

    settings.COMMITMENT_DUE_SOON_DAYS = 10

    assert api.get(f"{COMMITMENTS}/{soon.public_id}").json()["isDueSoon"] is True


@pytest.mark.parametrize("viewset", public_viewsets(), ids=lambda viewset: viewset.__name__)
def test_building_a_public_query_reads_no_data(db, viewset, django_assert_num_queries):
    """What is built once per day may hold no rows: only the query."""
    with django_assert_num_queries(0):
        public_records.__wrapped__(viewset, datetime.date(2030, 6, 1))


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


def test_a_filtered_read_builds_form_fields_only_for_the_filters_it_names(
    commitments, api, monkeypatch
):
    """django-filter copied all 22 filters of the register and built a form field for each."""
    forms = []
    original = FilterSet.form

    def recording(self):
        form = original.fget(self)
        forms.append(sorted(form.fields))
        return form

    monkeypatch.setattr(FilterSet, "form", property(recording))
    factories.CommitmentFactory(status="voldaan", number="20")
    factories.CommitmentFactory(status="voldaan", number="30")

    response = api.get(COMMITMENTS, {"status": "voldaan", "ordering": "-number", "page": 1})

    assert response.status_code == 200
    assert [record["number"] for record in response.json()["results"]] == ["30", "20"]
    assert forms[-1] == ["ordering", "status"]
    assert api.get(COMMITMENTS, {"status": "onbekend", "ordering": "number"}).status_code == 400
    assert forms[-1] == ["ordering", "status"]
    assert api.get(COMMITMENTS, {"kind": "motie"}).json()["results"] == []
    assert forms[-1] == ["kind"]


def test_a_read_copies_no_plain_serializer_field_by_its_constructor(commitments, api, monkeypatch):
    """DRF copied each field by calling its constructor again, for every serializer instance."""
    rebuilt = []
    original = Field.__deepcopy__

    def counting(self, memo):
        if not isinstance(self, BaseSerializer):
            rebuilt.append(type(self).__name__)
        return original(self, memo)

    monkeypatch.setattr(Field, "__deepcopy__", counting)
    api.get(COMMITMENTS)
    rebuilt.clear()

    body = api.get(COMMITMENTS).json()

    assert rebuilt == []
    assert body["results"][0]["madeOn"]["label"] == "7 november 2014"


def test_a_list_walks_its_serializers_fields_once_however_many_records(db, api, monkeypatch):
    """DRF walked each serializer's fields mapping again for every record it wrote."""
    walks = []
    original = BindingDict.values

    def counting(self):
        walks.append(1)
        return original(self)

    monkeypatch.setattr(BindingDict, "values", counting)
    factories.CommitmentFactory()
    api.get(COMMITMENTS)
    one = len(walks)
    factories.CommitmentFactory.create_batch(9)

    walks.clear()
    body = api.get(COMMITMENTS).json()

    assert len(body["results"]) == 10
    assert len(walks) == one


def test_a_list_writes_each_period_label_once_per_language(db, api, monkeypatch):
    fuzzydates._label.cache_clear()
    written = []
    original = fuzzydates.date_format

    def counting(value, format_string):
        written.append(value)
        return original(value, format_string)

    monkeypatch.setattr(fuzzydates, "date_format", counting)
    factories.CommitmentFactory.create_batch(5, made_on="7 november 2014")

    body = api.get(COMMITMENTS).json()

    assert {record["madeOn"]["label"] for record in body["results"]} == {"7 november 2014"}
    assert len(written) == 1
    with translation.override("en"):
        assert str(FuzzyDate.parse("7 november 2014")) == "7 November 2014"
        assert str(FuzzyDate.parse("medio 2016")) == "mid 2016"
    assert str(FuzzyDate.parse("medio 2016")) == "medio 2016"


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
