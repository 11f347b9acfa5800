"""Cached figures: the dashboard, the totals, the annex overview, the theme page and the
register's counts come from the cache until the data changes, and never after.

Each test runs in one transaction that never commits, so writes run their on-commit callbacks
(where the data versions of the tables written are replaced) inside `committed()`, the way a
commit would.
"""

import socket
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from budgets.models import BudgetLine, ContributionKind
from common import caching
from common.caching import data_versions, version_key
from programs.models import Commitment, Document, Organisation, PublicationStatus

from .admin_forms import admin_url, browser_form
from .api_writes import change
from .factories import (
    BudgetLineFactory,
    CommitmentFactory,
    DocumentFactory,
    ProgramFactory,
    SubsidyFactory,
    ThemeFactory,
)
from .test_spreadsheet_import import LINE_HEADER, MEMO, csv_bytes, import_all

pytestmark = pytest.mark.django_db

TOTALS = "/api/v1/budget-lines/totals"
REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def memo_data(db, committed):
    """The memo, loaded and committed: its figures may be cached from here on."""
    with committed():
        call_command("load_memo", verbosity=0)
    return Document.objects.get(slug=MEMO)


@pytest.fixture
def lines(db, committed):
    """A public document with two public lines of € 1 mln and a concept line of € 5 mln."""
    with committed():
        document = DocumentFactory(slug="begroting")
        program = ProgramFactory(slug="groeiregeling")
        first = BudgetLineFactory(document=document, program=program, position=1)
        BudgetLineFactory(document=document, program=program, position=2)
        BudgetLineFactory(
            document=document,
            program=program,
            position=3,
            amount=Decimal("5000000.00"),
            publication_status=PublicationStatus.CONCEPT,
        )
    return first


def dashboard_total(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.context["dashboard"].contribution.amount


def api_total(api, query=""):
    response = api.get(f"{TOTALS}{query}")
    assert response.status_code == 200, response.content
    return Decimal(response.json()["amount"])


def overview_total(api, slug):
    response = api.get(f"/api/v1/documents/{slug}/overview")
    assert response.status_code == 200, response.content
    return Decimal(response.json()["totals"]["amount"]), len(response.json()["rows"])


def register_counts(client):
    response = client.get("/toezeggingen")
    assert response.status_code == 200
    return {value: count for value, _label, count in response.context["status_counts"]}


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Fewer queries


def test_a_second_dashboard_request_costs_far_fewer_queries(client, memo_data):
    with CaptureQueriesContext(connection) as first:
        dashboard_total(client)

    with CaptureQueriesContext(connection) as second:
        dashboard_total(client)

    # What is left: the filter form's choices (themes, program lines, organisations).
    assert len(first) >= 15
    assert len(second) <= 3


def test_a_second_dashboard_request_with_filters_costs_only_the_filters_lookups(
    client, memo_data, django_assert_max_num_queries
):
    client.get("/?theme=financiering&organisation=liof")

    # The form's three lists of choices, and the two values looked up in each filterset.
    with django_assert_max_num_queries(13):
        response = client.get("/?theme=financiering&organisation=liof")

    assert response.status_code == 200


def test_cached_totals_cost_no_aggregate_query(api, lines, django_assert_num_queries):
    api_total(api)

    with django_assert_num_queries(0):
        assert api_total(api) == Decimal("2000000.00")


# No stale figure after a write


def test_saving_a_line_in_the_admin_changes_the_next_dashboard_total(
    client, admin_client, lines, committed
):
    before = dashboard_total(client)
    url = admin_url(BudgetLine, "change", lines.pk)
    data = browser_form(admin_client.get(url), BudgetLine)
    data.update(amount=["3000000.00"], change_reason=["Bedrag gecorrigeerd"])

    with committed():
        response = admin_client.post(url, {**data, "_save": "Opslaan"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert before == Decimal("2000000.00")
    assert dashboard_total(client) == Decimal("4000000.00")


def test_an_api_patch_changes_the_next_totals(api, staff_api, lines, committed):
    before = api_total(api)
    url = f"/api/v1/budget-lines/{lines.public_id}"

    with committed():
        response = change(staff_api, url, {"amount": "250000.00"}, reason="Bedrag uit de begroting")

    assert response.status_code == 200, response.json()
    assert before == Decimal("2000000.00")
    assert api_total(api) == Decimal("1250000.00")


def test_publishing_a_concept_line_changes_the_public_totals(api, staff_api, lines, committed):
    before = api_total(api)
    url = "/api/v1/budget-lines/begroting-3"

    with committed():
        response = change(
            staff_api, url, {"publicationStatus": "gepubliceerd"}, reason="Vastgesteld"
        )

    assert response.status_code == 200, response.json()
    assert before == Decimal("2000000.00")
    assert api_total(api) == Decimal("7000000.00")


def test_deleting_a_line_changes_the_document_overview(api, staff_api, lines, committed):
    before = overview_total(api, "begroting")
    url = f"/api/v1/budget-lines/{lines.public_id}"

    with committed():
        response = change(staff_api, url, reason="Dubbel ingevoerd")

    assert response.status_code == 204
    assert before == (Decimal("2000000.00"), 2)
    assert overview_total(api, "begroting") == (Decimal("1000000.00"), 1)


def test_giving_a_program_a_theme_changes_the_theme_figures(api, client, lines, committed):
    with committed():
        theme = ThemeFactory(slug="reshoring")
    before_api = api_total(api, "?theme=reshoring")
    before_page = client.get("/themas/reshoring").context["totals"].amount

    with committed():
        lines.program.themes.add(theme)

    assert (before_api, before_page) == (Decimal("0.00"), Decimal("0.00"))
    assert api_total(api, "?theme=reshoring") == Decimal("2000000.00")
    assert client.get("/themas/reshoring").context["totals"].amount == Decimal("2000000.00")


def test_an_edit_of_a_commitment_keeps_the_budget_figures_and_renews_the_register(
    api, client, memo_data, committed, django_assert_num_queries
):
    totals, before = api_total(api), register_counts(client)
    with committed():
        CommitmentFactory(status=Commitment.Status.OPEN)

    # The totals read no commitment: still cached, no query at all.
    with django_assert_num_queries(0):
        assert api_total(api) == totals
    assert register_counts(client)[Commitment.Status.OPEN] == before[Commitment.Status.OPEN] + 1


def test_a_figure_made_from_another_cached_figure_follows_that_ones_tables(lines, committed):
    def total():
        return BudgetLine.objects.aggregate(total=Sum("amount"))["total"]

    def outer():
        return caching.cached("inner", "key", total)

    caching.cached("inner", "key", total)
    # Made from the cached inner figure: it runs no SQL of its own.
    assert caching.cached("outer", "key", outer) == Decimal("7000000.00")
    with committed():
        lines.amount = Decimal("3000000.00")
        lines.save()

    assert caching.cached("outer", "key", outer) == Decimal("9000000.00")


def test_a_stale_figure_is_known_stale_without_reading_it(lines, committed, monkeypatch):
    def total():
        return BudgetLine.objects.aggregate(total=Sum("amount"))["total"]

    caching.cached("total", "key", total)
    with committed():
        lines.amount = Decimal("3000000.00")
        lines.save()
    asked = []
    get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *args, **kwargs: asked.append(key) or get(key, *args, **kwargs)
    )

    assert caching.cached("total", "key", total) == Decimal("9000000.00")
    figure_keys = [key for key in asked if key.startswith("figures:total:")]
    assert figure_keys and all(key.endswith(":read") for key in figure_keys), figure_keys


def test_a_figure_kept_at_other_versions_than_its_own_read_is_not_served(lines, monkeypatch):
    """Two computations of one figure, the slower of older data: if the older one's figure
    lands beside the newer one's versions, the reader computes afresh."""

    def total():
        return BudgetLine.objects.aggregate(total=Sum("amount"))["total"]

    written = {}
    set_many = cache.set_many
    monkeypatch.setattr(
        cache,
        "set_many",
        lambda data, *args, **kwargs: written.update(data) or set_many(data, *args, **kwargs),
    )
    assert caching.cached("total", "key", total) == Decimal("7000000.00")
    [(entry_key, (read, _figure))] = [(k, v) for k, v in written.items() if isinstance(v, tuple)]
    cache.set(entry_key, ({**read, "budgets_budgetline": "older"}, Decimal("1.00")))

    assert caching.cached("total", "key", total) == Decimal("7000000.00")


def test_renaming_a_recipient_renews_the_subsidies_it_is_searched_by(client, db, committed):
    with committed():
        subsidy = SubsidyFactory()
    name = subsidy.recipient.name
    assert str(subsidy) in html_of(client, f"/zoeken?q={name}")

    recipient = Organisation.objects.get(pk=subsidy.recipient_id)
    recipient.name = "Zonnewarmte Zuid BV"
    with committed():
        recipient.save()

    assert "Zonnewarmte Zuid BV" in html_of(client, "/zoeken?q=Zonnewarmte")
    assert str(subsidy) not in html_of(client, f"/zoeken?q={name}")


def test_a_spreadsheet_import_changes_the_memo_overview(
    staff_api, admin_client, memo_data, committed
):
    amount, count = overview_total(staff_api, MEMO)
    rows = [LINE_HEADER, [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "bedrag", "1.000.000"]]

    with committed():
        import_all(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    assert overview_total(staff_api, MEMO) == (amount + Decimal("1000000.00"), count + 1)


def test_a_new_commitment_changes_the_register_counts(client, memo_data, committed):
    before = register_counts(client)

    with committed():
        CommitmentFactory(status=Commitment.Status.OPEN)

    assert register_counts(client)[Commitment.Status.OPEN] == before[Commitment.Status.OPEN] + 1


def test_generated_data_in_bulk_changes_the_dashboard(client, lines, committed):
    before = dashboard_total(client)

    with committed():
        call_command("generate_scale_data", scale=0.001, seed=1, verbosity=0)

    amounts = BudgetLine.objects.published().filter(contribution_kind=ContributionKind.AMOUNT)
    assert before == Decimal("2000000.00")
    assert dashboard_total(client) == sum(line.amount for line in amounts)


# Who sees what


def test_the_public_and_staff_never_share_a_cached_figure(api, staff_api, lines):
    public_first = api_total(api)
    staff_after = api_total(staff_api)
    staff_again = api_total(staff_api)
    public_after = api_total(api)

    assert (public_first, public_after) == (Decimal("2000000.00"), Decimal("2000000.00"))
    assert (staff_after, staff_again) == (Decimal("7000000.00"), Decimal("7000000.00"))


def test_the_staff_dashboard_is_not_served_to_the_public(client, admin_client, lines):
    staff = dashboard_total(admin_client)

    assert (staff, dashboard_total(client)) == (Decimal("7000000.00"), Decimal("2000000.00"))


# Transactions


def test_a_write_in_a_rolled_back_transaction_does_not_bump(
    api, lines, django_capture_on_commit_callbacks
):
    api_total(api)
    versions = data_versions()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        lines.amount = Decimal("9000000.00")
        lines.save()
        raise RuntimeError("afgebroken")

    assert callbacks == []
    assert data_versions() == versions
    assert api_total(api) == Decimal("2000000.00")


def test_the_version_changes_only_when_the_write_commits(lines, django_capture_on_commit_callbacks):
    versions = data_versions()

    with django_capture_on_commit_callbacks() as callbacks:
        lines.amount = Decimal("3000000.00")
        lines.save()
        assert data_versions() == versions

    for callback in callbacks:
        callback()
    changed = {table for table, version in data_versions().items() if versions[table] != version}
    # The table written, its history table, its kept totals and the changes feed; every other
    # figure stays valid.
    assert changed == {
        "budgets_budgetline",
        "budgets_budgettotal",
        "budgets_historicalbudgetline",
        "programs_publicchange",
    }


def test_a_transaction_that_wrote_reads_its_own_writes(api, lines):
    api_total(api)

    lines.amount = Decimal("3000000.00")
    lines.save()

    assert api_total(api) == Decimal("4000000.00")


def test_each_test_starts_with_an_empty_cache():
    assert cache.get(version_key("budgets_budgetline")) is None


# Redis


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_figures_are_cached_and_invalidated_in_redis(api, lines, committed):
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    with override_settings(CACHES=redis_cache):
        cache.clear()
        try:
            before = api_total(api)
            with CaptureQueriesContext(connection) as cached_read:
                api_total(api)
            version = cache.get(version_key("budgets_budgetline"))
            with committed():
                lines.amount = Decimal("3000000.00")
                lines.save()
            after = api_total(api)
            new_version = cache.get(version_key("budgets_budgetline"))
        finally:
            cache.clear()

    assert (before, after) == (Decimal("2000000.00"), Decimal("4000000.00"))
    assert len(cached_read) == 0
    assert version is not None
    assert new_version not in (None, version)
