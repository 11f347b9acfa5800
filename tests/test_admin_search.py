"""The admin's search of budget lines and subsidies finds what Django's own search finds, and
on PostgreSQL finds it through the stored search text's trigram index (and a budget line's
program name through the program key's index) instead of reading every row.

PostgreSQL only: elsewhere the admin runs Django's search unchanged, and the stored search
text is PostgreSQL's.
"""

import json

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory

from budgets.models import BudgetLine, Subsidy
from programs.admin import StoredSearchAdminMixin

from . import factories
from .admin_forms import admin_url

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the stored search text is PostgreSQL's"
    ),
]


@pytest.fixture
def records(db):
    """Budget lines and subsidies with the searched words in each of their search fields."""
    maker = factories.ProgramFactory(name="MaakInnovatie Fonds")
    other = factories.ProgramFactory(name="Vouchers")
    factories.BudgetLineFactory(label="Innovatiepost", program=other)
    factories.BudgetLineFactory(label="Post", note="voor INNOVATIE in het mkb", program=other)
    factories.BudgetLineFactory(label="Bijdrage", program=maker)
    factories.BudgetLineFactory(label="Regeling eind", note="begin van iets", program=other)
    factories.BudgetLineFactory(label="100% subsidie_vrij", program=other)
    factories.BudgetLineFactory(label="Loonkosten", note="geen", program=other)
    brightlands = factories.OrganisationFactory(name="Brightlands Innovatie BV")
    factories.SubsidyFactory(recipient=brightlands, instrument=other)
    factories.SubsidyFactory(instrument=maker, description="Machines")
    factories.SubsidyFactory(instrument=other, description="Een innovatieve machine")
    factories.SubsidyFactory(instrument=other, slug="innovatie-2019")
    factories.SubsidyFactory(instrument=other, description="Scholing")


def djangos_own_search(model, term):
    """The records Django's admin search, without the narrowing, finds for `term`."""
    model_admin = admin.site.get_model_admin(model)
    request = RequestFactory().get("/")
    found, _duplicates = super(StoredSearchAdminMixin, model_admin).get_search_results(
        request, model._default_manager.all(), term
    )
    return set(found.values_list("pk", flat=True))


def changelist(client, model, term):
    response = client.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    return response.context["cl"]


TERMS = {
    BudgetLine: {
        "innovatie": 3,  # in a label, a note (in capitals), a program name
        "Innovatie post": 2,  # each word in a field of the record
        '"eind begin"': 0,  # across label and note: in no field
        "0% subsidie_": 1,  # LIKE's wildcards are searched for as themselves
        "_": 1,
        "maakinnovatie fonds": 1,
    },
    Subsidy: {
        "innovatie": 4,  # recipient, instrument, description, slug
        "innovatie machine": 2,
        "scholing": 1,
    },
}


@pytest.mark.parametrize(
    ("model", "term"),
    [(model, term) for model, terms in TERMS.items() for term in terms],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_the_admin_search_finds_what_djangos_own_search_finds(admin_client, records, model, term):
    cl = changelist(admin_client, model, term)
    found = {record.pk for record in cl.result_list}
    assert found == djangos_own_search(model, term)
    assert len(found) == cl.result_count == TERMS[model][term]


@pytest.mark.parametrize(
    ("model", "indexes"),
    [
        (BudgetLine, ["budgetline_search_text", "budgets_budgetline_program_id"]),
        (Subsidy, ["subsidy_search_text"]),
    ],
    ids=["BudgetLine", "Subsidy"],
)
def test_the_admin_search_reads_the_search_text_through_its_index(
    admin_client, records, model, indexes
):
    queryset = changelist(admin_client, model, "innovatie").queryset
    with connection.cursor() as cursor:
        # At a handful of rows reading the whole table (or index) is cheapest. Priced out, the
        # rows can only be found by a bitmap of an index that serves the search condition.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    plan = json.dumps(json.loads(queryset.explain(format="json")))
    for index in indexes:
        assert index in plan
