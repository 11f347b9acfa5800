"""What an API read does not do: build its query twice, build form fields for filters it did
not name, write the same period label anew, walk every value to camelCase its keys, or leave
the process's long-lived objects to the garbage collector during requests."""

import datetime
import gc
import importlib
import json

import pytest
from django.utils import timezone, translation
from djangorestframework_camel_case.render import CamelCaseJSONRenderer as LibraryRenderer

from common import fuzzydates
from common.filters import only_filters
from common.fuzzydates import FuzzyDate
from common.renderers import CamelCaseJSONRenderer
from programs.filters import CommitmentFilter
from programs.views import CommitmentViewSet

from . import factories

COMMITMENTS = "/api/v1/commitments"


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


@pytest.mark.parametrize("client_name", ["api", "staff_api"])
def test_a_read_builds_the_list_query_once(commitments, request, calls, client_name):
    """DRF's model permissions asked the view for its queryset to learn its model, for a read
    that needs no permission: the register's query was built twice per request."""
    methods = calls(CommitmentViewSet, "get_queryset", lambda view: view.request.method)
    client = request.getfixturevalue(client_name)

    assert client.get(COMMITMENTS).status_code == 200
    assert methods == ["GET"]


def test_a_setting_the_query_reads_applies_to_public_reads_at_once(db, api, settings):
    in_eight_days = timezone.localdate() + datetime.timedelta(days=8)
    soon = factories.CommitmentFactory(deadline=in_eight_days.isoformat())
    settings.COMMITMENT_DUE_SOON_DAYS = 5
    assert api.get(COMMITMENTS, {"dueSoon": "true"}).json()["count"] == 0

    settings.COMMITMENT_DUE_SOON_DAYS = 10

    assert [
        item["uuid"] for item in api.get(COMMITMENTS, {"dueSoon": "true"}).json()["results"]
    ] == [str(soon.uuid)]


def test_a_write_still_needs_the_models_permission(commitments, api, django_user_model):
    reader = django_user_model.objects.create_user("lezer")
    api.force_authenticate(reader)

    response = api.post(COMMITMENTS, {"kind": "toezegging", "number": "1", "title": "T"})

    assert response.status_code == 403


def test_a_read_with_a_filter_is_filtered_and_checked(commitments, api):
    fulfilled = factories.CommitmentFactory(status="voldaan")

    response = api.get(COMMITMENTS, {"status": "voldaan"})
    assert [record["id"] for record in response.json()["results"]] == [fulfilled.public_id]
    assert api.get(COMMITMENTS, {"status": "onbekend"}).status_code == 400


def test_a_filtered_read_builds_form_fields_only_for_the_filters_it_names(commitments, api):
    """django-filter copied all 22 filters of the register and built a form field for each."""
    factories.CommitmentFactory(status="voldaan", number="20")
    factories.CommitmentFactory(status="voldaan", number="30")
    named = only_filters(CommitmentFilter, frozenset({"status", "ordering"}))

    response = api.get(COMMITMENTS, {"status": "voldaan", "ordering": "-number", "page": 1})

    assert response.status_code == 200
    assert [record["number"] for record in response.json()["results"]] == ["30", "20"]
    assert sorted(named(data={"status": "voldaan"}).form.fields) == ["ordering", "status"]
    assert api.get(COMMITMENTS, {"status": "onbekend", "ordering": "number"}).status_code == 400
    assert api.get(COMMITMENTS, {"kind": "motie"}).json()["results"] == []


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
