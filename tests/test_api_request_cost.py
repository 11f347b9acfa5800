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
def calls(monkeypatch):
    """`calls(owner, name, note)`: a list that gets `note(...)` of the arguments of every call
    of `owner.name`, which still does what it did."""

    def spy(owner, name, note):
        noted, original = [], getattr(owner, name)

        def noting(*args, **kwargs):
            noted.append(note(*args, **kwargs))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, noting)
        return noted

    return spy


@pytest.fixture
def filter_forms_built(calls):
    """The filter forms (FilterSet instances) the API built, by class name."""
    return calls(FilterSet, "__init__", lambda self, *args, **kwargs: type(self).__name__)


@pytest.mark.parametrize("client_name", ["api", "staff_api"])
def test_a_read_builds_the_list_query_once(commitments, request, calls, client_name):
    """DRF's model permissions asked the view for its queryset to learn its model, for a read
    that needs no permission: the register's query was built twice per request."""
    methods = calls(CommitmentViewSet, "get_queryset", lambda view: view.request.method)
    client = request.getfixturevalue(client_name)

    assert client.get(COMMITMENTS).status_code == 200
    assert methods == ["GET"]


def test_public_reads_build_their_query_once_per_day(
    commitments, api, staff_api, monkeypatch, calls
):
    """Every reader who may not read concepts gets the same query: built once, not per request."""
    built = calls(CommitmentViewSet, "records_for", lambda view, user: user.is_staff)
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


def test_a_read_copies_no_plain_serializer_field_by_its_constructor(commitments, api, calls):
    """DRF copied each field by calling its constructor again, for every serializer instance."""
    copied = calls(Field, "__deepcopy__", lambda field, memo: field)
    api.get(COMMITMENTS)
    copied.clear()

    body = api.get(COMMITMENTS).json()

    assert [type(field) for field in copied if not isinstance(field, BaseSerializer)] == []
    assert body["results"][0]["madeOn"]["label"] == "7 november 2014"


def test_a_list_walks_its_serializers_fields_once_however_many_records(db, api, calls):
    """DRF walked each serializer's fields mapping again for every record it wrote."""
    walks = calls(BindingDict, "values", lambda fields: fields)
    factories.CommitmentFactory()
    api.get(COMMITMENTS)
    one = len(walks)
    factories.CommitmentFactory.create_batch(9)

    walks.clear()
    body = api.get(COMMITMENTS).json()

    assert len(body["results"]) == 10
    assert len(walks) == one


def test_a_list_writes_each_period_label_once_per_language(db, api, calls):
    fuzzydates._label.cache_clear()
    written = calls(fuzzydates, "date_format", lambda value, format_string: value)
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


def test_serializer_fields_are_built_from_the_model_once(commitments, api, calls):
    """DRF read every model field's options again for each request's serializers."""
    built = calls(ModelSerializer, "build_field", lambda serializer, *args: type(serializer))
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
