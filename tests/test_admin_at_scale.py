"""The admin's lists of budget lines, subsidies, commitments, programs and organisations stay
a fixed number of queries, with their filters applied, however many records there are; and
their filters on a document or instrument take a slug instead of listing thousands of them."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import BudgetLine, Subsidy
from programs.models import Commitment, Organisation, Program, Theme

from .admin_forms import admin_url

pytestmark = pytest.mark.django_db

# Five for the session and the user (read, and the session saved in a savepoint); then the
# count and the page of rows, one per related filter's choices (program lines, persons,
# themes; the places), and the date drill-down's range and years.
MAX_QUERIES = {BudgetLine: 7, Subsidy: 9, Commitment: 11, Program: 11, Organisation: 8}


def program_filters():
    program = Program.objects.order_by("pk").first()
    return {
        "kind__exact": program.kind,
        "status__exact": program.status,
        "themes__id__exact": Theme.objects.order_by("pk").first().pk,
        "publication_status__exact": "gepubliceerd",
    }


def commitment_filters():
    return {
        "signaal": "zonder-termijn",
        "kind__exact": Commitment.Kind.PROMISE,
        "status__exact": Commitment.Status.OPEN,
        "themes__id__exact": Theme.objects.order_by("pk").first().pk,
    }


# Each list with every one of its filters applied at once.
FILTERS = {
    BudgetLine: lambda: {
        "contribution_kind__exact": "amount",
        "funder__exact": "provincie",
        "document": "sterke-maakindustrie-2015",
        "publication_status__exact": "gepubliceerd",
    },
    Subsidy: lambda: {
        "status__exact": "verleend",
        "instrument": Subsidy.objects.order_by("pk").first().instrument.slug,
        "publication_status__exact": "gepubliceerd",
    },
    Commitment: commitment_filters,
    Program: program_filters,
    Organisation: lambda: {"kind__exact": "bedrijf", "place": "Maastricht"},
}


def changelist_queries(client, model, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"), params)
    # 200, not the redirect to `?e=1` of a filter the admin refuses.
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
@pytest.mark.parametrize("model", list(FILTERS), ids=lambda model: model.__name__)
def test_a_changelist_costs_the_same_queries_with_many_more_records(
    memo, admin_client, django_assert_max_num_queries, model, filtered
):
    params = FILTERS[model]() if filtered else {}
    with_memo = changelist_queries(admin_client, model, params)
    call_command("generate_scale_data", scale=0.01, seed=1, verbosity=0)

    with django_assert_max_num_queries(MAX_QUERIES[model]):
        at_scale = changelist_queries(admin_client, model, params)
    assert at_scale == with_memo


def test_budget_lines_are_filtered_by_the_slug_of_their_document(memo, admin_client):
    call_command("generate_scale_data", scale=0.01, seed=1, verbosity=0)
    url = admin_url(BudgetLine, "changelist")

    response = admin_client.get(url, {"document": memo.slug, "funder__exact": "provincie"})

    shown = {line.document_id for line in response.context["cl"].result_list}
    assert shown == {memo.pk}
    html = response.content.decode()
    # The form keeps the other filter; no document is listed, only the link that removes it.
    assert 'type="hidden" name="funder__exact" value="provincie"' in html
    assert f'name="document" value="{memo.slug}"' in html
    sidebar = html.split('data-filter-title="document"')[1].split("</details>")[0]
    assert sidebar.count("<a ") == 1


def test_an_unknown_document_slug_lists_nothing(memo, admin_client):
    response = admin_client.get(admin_url(BudgetLine, "changelist"), {"document": "onbekend"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_subsidies_are_filtered_by_the_slug_of_their_instrument(memo, admin_client):
    call_command("generate_scale_data", scale=0.01, seed=1, verbosity=0)
    instrument = Subsidy.objects.order_by("pk").first().instrument

    response = admin_client.get(admin_url(Subsidy, "changelist"), {"instrument": instrument.slug})

    assert {subsidy.instrument_id for subsidy in response.context["cl"].result_list} == {
        instrument.pk
    }


def test_the_program_line_filter_names_each_line_with_its_budget_program(memo, admin_client):
    response = admin_client.get(admin_url(Program, "changelist"))

    program = Program.objects.exclude(program_line=None).select_related("program_line").first()
    line = program.program_line
    assert f"{line.budget_program.name} / {line.name}" in response.content.decode()
